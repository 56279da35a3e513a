using Callvia.Jobs.Hosting;

if (args.FirstOrDefault() == "migrate")
    return await MigrateCommand.RunAsync(args[1..]);

await JobsApp.Build(args).RunAsync();
return 0;
