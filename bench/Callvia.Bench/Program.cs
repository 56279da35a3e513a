using Callvia.Bench;

// bench/import.sh runs this with the environment it sets up; see bench/README.md.
return args.FirstOrDefault() switch
{
    "import" => await ImportBenchmark.RunAsync(args[1..]),
    "parse" => await ParseProbe.RunAsync(args[1..]),
    "phone" => PhoneProbe.Run(),
    "webhooks" => await WebhookBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Callvia.Bench import --api URL --tenant SLUG --client-id ID --secret S --owner CONN --api-pid PID --rows 100000,1000000 --dir DIR");
    return 2;
}
