using Callvia.Portal.Hosting;

await PortalApp.Build(args).RunAsync();
