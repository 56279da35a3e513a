using Callvia.Bench;

// bench/import.sh runs this with the environment it sets up; see bench/README.md.
return args.FirstOrDefault() switch
{
    "import" => await ImportBenchmark.RunAsync(args[1..]),
    "parse" => await ParseProbe.RunAsync(args[1..]),
    "phone" => PhoneProbe.Run(),
    "webhooks" => await WebhookBenchmark.RunAsync(args[1..]),
    "kpis-seed" => await KpiSeed.RunAsync(args[1..]),
    "kpis" => await KpiBenchmark.RunAsync(args[1..]),
    "portal" => await PortalBenchmark.RunAsync(args[1..]),
    "dialer-seed" => await DialerBenchmark.SeedAsync(args[1..]),
    "dialer" => await DialerBenchmark.RunAsync(args[1..]),
    "dialer-query" => await DialerBenchmark.QueryAsync(args[1..]),
    "reminders-seed" => await ReminderBenchmark.SeedAsync(args[1..]),
    "reminders" => await ReminderBenchmark.RunAsync(args[1..]),
    "reminders-query" => await ReminderBenchmark.QueryAsync(args[1..]),
    "verify-sweep" => await ReminderBenchmark.SweepAsync(args[1..]),
    "billing-seed" => await BillingBenchmark.SeedAsync(args[1..]),
    "billing" => await BillingBenchmark.RunAsync(args[1..]),
    "milestones-seed" => await MilestoneBenchmark.SeedAsync(args[1..]),
    "milestones" => await MilestoneBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Callvia.Bench kpis-seed --super CONN [--tenant acme --leads 1000000 --calls 200000 --appointments 20000]");
    Console.Error.WriteLine("       Callvia.Bench kpis --api URL --client-id ID --secret S --super CONN [--tenant acme --runs 200 --warmups 10 --budget-ms 50]");
    Console.Error.WriteLine("usage: Callvia.Bench import --api URL --tenant SLUG --client-id ID --secret S --owner CONN --api-pid PID --rows 100000,1000000 --dir DIR");
    return 2;
}
