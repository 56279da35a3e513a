Callvia.Sandbox.SandboxApp.Build(args).Run();
