using Callvia.Api.Hosting;

await ApiApp.Build(args).RunAsync();
