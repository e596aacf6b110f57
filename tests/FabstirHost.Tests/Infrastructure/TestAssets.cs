namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>
    /// Where the built artefacts the tests run are. build.ps1 sets the FABSTIR_TEST_* variables;
    /// without them (a plain <c>dotnet test</c> after a build) the paths below the repository's
    /// out/ folder are used.
    /// </summary>
    public static class TestAssets
    {
        private static readonly Lazy<string> Root = new(FindRepositoryRoot);

        public static string RepositoryRoot => Root.Value;

        public static string ModuleManifest =>
            FromEnvironment("FABSTIR_TEST_MODULE", "out/Modules/FabstirHost/FabstirHost.psd1");

        public static string StandInNode =>
            FromEnvironment("FABSTIR_TEST_STANDIN", "out/standin/fabstir-llm-node");

        public static string Anvil =>
            FromEnvironment("FABSTIR_TEST_ANVIL", "node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");

        public static string Cast =>
            FromEnvironment("FABSTIR_TEST_CAST", "node_modules/@foundry-rs/cast-linux-amd64/bin/cast");

        public static string Contracts => FromEnvironment("FABSTIR_TEST_CONTRACTS", "out/contracts");

        private static string FromEnvironment(string variable, string relativeDefault)
        {
            string? value = Environment.GetEnvironmentVariable(variable);
            string path = string.IsNullOrEmpty(value) ? Path.Combine(RepositoryRoot, relativeDefault) : value;
            if (!File.Exists(path) && !Directory.Exists(path))
            {
                throw new InvalidOperationException(
                    $"Test asset '{path}' is missing. Run 'dotnet pwsh ./build.ps1 -Task Build' first.");
            }

            return path;
        }

        private static string FindRepositoryRoot()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory != null && !File.Exists(Path.Combine(directory.FullName, "FabstirHost.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("FabstirHost.sln not found above the test binaries.");
        }
    }
}
