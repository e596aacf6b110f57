using FabstirHost.Core;
using FabstirHost.Core.Config;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Config
{
    public sealed class SecureFileTests
    {
        [Fact]
        public void WrittenFileIsOwnerOnlyAndLeavesNoTemporaryFile()
        {
            using var home = new TempHome();
            string file = System.IO.Path.Combine(home.Path, "sub", "config.json");

            SecureFile.WriteAllTextAtomic(file, "{\"a\":1}");

            Assert.Equal("{\"a\":1}", File.ReadAllText(file));
            Assert.Single(Directory.GetFiles(System.IO.Path.GetDirectoryName(file)!));
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
                Assert.Equal(
                    UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
                    File.GetUnixFileMode(System.IO.Path.GetDirectoryName(file)!));
            }
        }

        [Fact]
        public async Task ReplacingAFileKeepsReadersFromSeeingPartialContent()
        {
            using var home = new TempHome();
            string file = System.IO.Path.Combine(home.Path, "state.json");
            string big = new string('x', 1 << 20);
            SecureFile.WriteAllTextAtomic(file, "first");

            using var cancel = new CancellationTokenSource();
            var reader = Task.Run(() =>
            {
                int torn = 0;
                while (!cancel.IsCancellationRequested)
                {
                    string text = File.ReadAllText(file);
                    if (text != "first" && text != big)
                    {
                        torn++;
                    }
                }

                return torn;
            });
            for (int i = 0; i < 20; i++)
            {
                SecureFile.WriteAllTextAtomic(file, i % 2 == 0 ? big : "first");
            }

            cancel.Cancel();
            Assert.Equal(0, await reader);
        }

        [Fact]
        public void DamagedConfigIsReportedWithItsPathAndLeftUntouched()
        {
            using var home = new TempHome();
            home.Paths.EnsureCreated();
            File.WriteAllText(home.Paths.ConfigFile, "{ not json");

            var error = Assert.Throws<FabstirException>(() => HostConfigStore.Load(home.Paths));

            Assert.Equal("ConfigFileDamaged", error.ErrorId);
            Assert.Contains(home.Paths.ConfigFile, error.Message);
            Assert.Equal("{ not json", File.ReadAllText(home.Paths.ConfigFile));
        }

        [Fact]
        public void MissingConfigReadsAsNothing()
        {
            using var home = new TempHome();

            Assert.Null(HostConfigStore.Load(home.Paths));
        }

        [Fact]
        public void ConfigRoundTrips()
        {
            using var home = new TempHome();
            var config = new HostConfig { ApiPort = 8080, PublicUrl = "https://host.example:8443", Models = new() { "a/b:c.gguf" } };

            HostConfigStore.Save(home.Paths, config);
            HostConfig loaded = HostConfigStore.Load(home.Paths)!;

            Assert.Equal(8080, loaded.ApiPort);
            Assert.Equal("https://host.example:8443", loaded.PublicUrl);
            Assert.Equal(new[] { "a/b:c.gguf" }, loaded.Models);
        }

        [Fact]
        public void HomeFollowsFabstirHomeVariable()
        {
            using var home = new TempHome();
            string? previous = Environment.GetEnvironmentVariable(FabstirPaths.HomeVariable);
            try
            {
                Environment.SetEnvironmentVariable(FabstirPaths.HomeVariable, home.Path);
                Assert.Equal(home.Path, FabstirPaths.Default().Home);
                Environment.SetEnvironmentVariable(FabstirPaths.HomeVariable, null);
                Assert.EndsWith(".fabstir", FabstirPaths.Default().Home);
            }
            finally
            {
                Environment.SetEnvironmentVariable(FabstirPaths.HomeVariable, previous);
            }
        }

        [Fact]
        public void ARelativeHomeIsReadAgainstTheGivenLocationAndATildeAgainstTheProfile()
        {
            using var location = new TempHome();
            string profile = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            string? previous = Environment.GetEnvironmentVariable(FabstirPaths.HomeVariable);
            try
            {
                Environment.SetEnvironmentVariable(FabstirPaths.HomeVariable, "node2");
                Assert.Equal(Path.Combine(location.Path, "node2"), FabstirPaths.Default(location.Path).Home);
                Environment.SetEnvironmentVariable(FabstirPaths.HomeVariable, "~/fabstir-node2");
                Assert.Equal(Path.Combine(profile, "fabstir-node2"), FabstirPaths.Default(location.Path).Home);
            }
            finally
            {
                Environment.SetEnvironmentVariable(FabstirPaths.HomeVariable, previous);
            }
        }
    }
}
