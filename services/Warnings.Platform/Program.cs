using Warnings.Platform.Hosting;

// Everything is configuration: which modules run, which transport and store, which endpoints.
// With none given this runs every module on the in-memory bus and store (see README).
return await PlatformHost.RunAsync(args);
