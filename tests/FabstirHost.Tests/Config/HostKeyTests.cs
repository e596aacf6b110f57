using System.Collections;
using System.Diagnostics;
using System.Security;
using FabstirHost.Core;
using FabstirHost.Core.Config;
using FabstirHost.TestChain;
using FabstirHost.Tests.Infrastructure;
using Nethereum.KeyStore.Model;
using Newtonsoft.Json.Linq;
using Xunit;
using Xunit.Abstractions;

namespace FabstirHost.Tests.Config
{
    public sealed class HostKeyTests : IDisposable
    {
        // Cheap scrypt for the tests that are not about the cost; one test checks the standard cost.
        private static readonly ScryptParams Cheap = new() { N = 1024, R = 8, P = 1, Dklen = 32 };

        private readonly TempHome _home = new();
        private readonly ITestOutputHelper _output;

        public HostKeyTests(ITestOutputHelper output)
        {
            _output = output;
        }

        public void Dispose() => _home.Dispose();

        [Fact]
        public void KeystoreRoundTripsWithStandardScryptAndIsOwnerOnly()
        {
            using HostKey key = HostKeyStore.Generate();
            var watch = Stopwatch.StartNew();

            HostKeyStore.Save(_home.Paths, key, Secure("correct horse"), force: false);
            long saveMs = watch.ElapsedMilliseconds;
            using HostKey unlocked = HostKeyStore.Unlock(_home.Paths, Secure("correct horse"));
            long unlockMs = watch.ElapsedMilliseconds - saveMs;
            _output.WriteLine($"scrypt N=2^18: save {saveMs} ms, unlock {unlockMs} ms");

            Assert.Equal(key.Address, unlocked.Address);
            Assert.Equal(KeySource.Keystore, unlocked.Source);
            Assert.Equal(key.Address, HostKeyStore.ReadAddress(_home.Paths));
            var kdf = JObject.Parse(File.ReadAllText(_home.Paths.KeystoreFile))["crypto"]!;
            Assert.Equal("scrypt", (string?)kdf["kdf"]);
            Assert.Equal(262144, (int)kdf["kdfparams"]!["n"]!);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(
                    UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_home.Paths.KeystoreFile));
            }
        }

        [Fact]
        public void AWrongPasswordIsReportedAsSuch()
        {
            using HostKey key = HostKeyStore.Generate();
            HostKeyStore.Save(_home.Paths, key, Secure("right"), false, Cheap);

            var ex = Assert.Throws<FabstirException>(() => HostKeyStore.Unlock(_home.Paths, Secure("wrong")));

            Assert.Equal("KeystorePasswordIncorrect", ex.ErrorId);
            Assert.Equal(FabstirErrorCategory.SecurityError, ex.Category);
            Assert.Equal(_home.Paths.KeystoreFile, ex.Target);
        }

        [Fact]
        public void AnExistingKeystoreIsReplacedOnlyWhenForced()
        {
            using HostKey first = HostKeyStore.Generate();
            using HostKey second = HostKeyStore.Generate();
            HostKeyStore.Save(_home.Paths, first, Secure("pw"), false, Cheap);

            var ex = Assert.Throws<FabstirException>(
                () => HostKeyStore.Save(_home.Paths, second, Secure("pw"), false, Cheap));
            Assert.Equal("KeystoreExists", ex.ErrorId);
            Assert.Contains(first.Address, ex.Message);
            Assert.Equal(first.Address, HostKeyStore.ReadAddress(_home.Paths));

            HostKeyStore.Save(_home.Paths, second, Secure("pw"), true, Cheap);
            Assert.Equal(second.Address, HostKeyStore.ReadAddress(_home.Paths));
        }

        [Fact]
        public void TheHomeFolderNeverHoldsThePlainKey()
        {
            using HostKey key = LocalChain.Key(DevAccounts.HostKey);

            HostKeyStore.Save(_home.Paths, key, Secure("pw"), false, Cheap);

            string hex = DevAccounts.HostKey.Substring(2);
            foreach (string file in Directory.EnumerateFiles(_home.Path, "*", SearchOption.AllDirectories))
            {
                string text = File.ReadAllText(file);
                Assert.DoesNotContain(hex, text, StringComparison.OrdinalIgnoreCase);
            }

            Assert.DoesNotContain(hex, key.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        [Theory]
        [InlineData("0x1234")]
        [InlineData("59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d")]
        [InlineData("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690z")]
        [InlineData("0x0000000000000000000000000000000000000000000000000000000000000000")]
        public void AMalformedKeyIsRejectedWithoutRepeatingIt(string text)
        {
            var ex = Assert.Throws<FabstirException>(
                () => HostKeyStore.ParsePrivateKey(Secure(text), KeySource.Parameter));

            Assert.Equal("InvalidPrivateKey", ex.ErrorId);
            Assert.DoesNotContain(text.Length > 6 ? text.Substring(6) : text, ex.Message);
            Assert.Equal("-PrivateKey", ex.Target);
        }

        [Fact]
        public void ResolutionOrderIsParameterThenFabstirVariableThenNodeVariableThenKeystore()
        {
            using (HostKey stored = LocalChain.Key(DevAccounts.BystanderKey))
            {
                HostKeyStore.Save(_home.Paths, stored, Secure("pw"), false, Cheap);
            }

            var environment = new Hashtable
            {
                ["FABSTIR_HOST_PRIVATE_KEY"] = DevAccounts.HostKey,
                ["HOST_PRIVATE_KEY"] = DevAccounts.SecondHostKey,
                ["FABSTIR_KEYSTORE_PASSWORD"] = "pw",
            };
            var request = new KeyRequest
            {
                PrivateKey = Secure(DevAccounts.DeployerKey),
                Environment = environment,
            };

            Assert.Equal(DevAccounts.DeployerAddress, Resolve(request, KeySource.Parameter));
            request.PrivateKey = null;
            Assert.Equal(DevAccounts.HostAddress, Resolve(request, KeySource.FabstirEnvironment));
            environment.Remove("FABSTIR_HOST_PRIVATE_KEY");
            Assert.Equal(DevAccounts.SecondHostAddress, Resolve(request, KeySource.NodeEnvironment));
            environment.Remove("HOST_PRIVATE_KEY");
            Assert.Equal(DevAccounts.BystanderAddress, Resolve(request, KeySource.Keystore));
        }

        [Fact]
        public void KeystorePasswordComesFromParameterFileVariableOrPromptInThatOrder()
        {
            using (HostKey stored = HostKeyStore.Generate())
            {
                HostKeyStore.Save(_home.Paths, stored, Secure("from-file"), false, Cheap);
            }

            string passwordFile = Path.Combine(_home.Path, "password.txt");
            File.WriteAllText(passwordFile, "from-file\n");
            var prompts = new List<string>();
            var request = new KeyRequest
            {
                KeystorePasswordFile = passwordFile,
                Environment = new Hashtable { ["FABSTIR_KEYSTORE_PASSWORD"] = "wrong" },
                PromptForPassword = purpose =>
                {
                    prompts.Add(purpose);
                    return Secure("from-file");
                },
            };

            using (HostKeyResolveResult(request))
            {
            }

            request.KeystorePasswordFile = null;
            var wrong = Assert.Throws<FabstirException>(() => KeyResolver.Resolve(_home.Paths, request));
            Assert.Equal("KeystorePasswordIncorrect", wrong.ErrorId);
            Assert.Empty(prompts);

            request.Environment = new Hashtable();
            using (HostKeyResolveResult(request))
            {
            }

            Assert.Single(prompts);
            Assert.Contains(_home.Paths.KeystoreFile, prompts[0]);
        }

        [Fact]
        public void WithoutPasswordOrPromptTheKeystoreAsksForOne()
        {
            using (HostKey stored = HostKeyStore.Generate())
            {
                HostKeyStore.Save(_home.Paths, stored, Secure("pw"), false, Cheap);
            }

            var ex = Assert.Throws<FabstirException>(
                () => KeyResolver.Resolve(_home.Paths, new KeyRequest { Environment = new Hashtable() }));

            Assert.Equal("KeystorePasswordRequired", ex.ErrorId);
            Assert.Contains("-KeystorePasswordFile", ex.Message);
        }

        [Fact]
        public void WithNoKeyAnywhereTheErrorListsEverySource()
        {
            var ex = Assert.Throws<FabstirException>(
                () => KeyResolver.Resolve(_home.Paths, new KeyRequest { Environment = new Hashtable() }));

            Assert.Equal("HostKeyNotFound", ex.ErrorId);
            Assert.Contains("FABSTIR_HOST_PRIVATE_KEY", ex.Message);
            Assert.Contains("HOST_PRIVATE_KEY", ex.Message);
            Assert.Contains("New-FabstirWallet", ex.Message);
        }

        [Fact]
        public void TheAddressIsKnownWithoutUnlockingTheKeystore()
        {
            using HostKey key = HostKeyStore.Generate();
            HostKeyStore.Save(_home.Paths, key, Secure("pw"), false, Cheap);

            var request = new KeyRequest { Environment = new Hashtable() };

            string? address = KeyResolver.ResolveAddress(_home.Paths, request);

            Assert.Equal(key.Address, address);
        }

        [Fact]
        public void ADamagedKeystoreIsReportedAndLeftInPlace()
        {
            _home.Paths.EnsureCreated();
            File.WriteAllText(_home.Paths.KeystoreFile, "{ not json");

            var ex = Assert.Throws<FabstirException>(() => HostKeyStore.Unlock(_home.Paths, Secure("pw")));

            Assert.Equal("KeystoreDamaged", ex.ErrorId);
            Assert.Equal("{ not json", File.ReadAllText(_home.Paths.KeystoreFile));
        }

        [Theory]
        [InlineData("not json")]
        [InlineData("no crypto")]
        public void ADamagedKeystoreIsReportedBeforeThePasswordIsAskedFor(string damage)
        {
            using (HostKey stored = HostKeyStore.Generate())
            {
                HostKeyStore.Save(_home.Paths, stored, Secure("long enough"), false, Cheap);
            }

            JObject keystore = JObject.Parse(File.ReadAllText(_home.Paths.KeystoreFile));
            keystore.Remove("crypto");
            string text = damage == "not json" ? "{ \"address\": \"" : keystore.ToString();
            File.WriteAllText(_home.Paths.KeystoreFile, text);
            bool asked = false;
            var request = new KeyRequest
            {
                Environment = new Hashtable(),
                PromptForPassword = _ =>
                {
                    asked = true;
                    return null;
                },
            };

            var ex = Assert.Throws<FabstirException>(() => KeyResolver.Resolve(_home.Paths, request));

            Assert.Equal("KeystoreDamaged", ex.ErrorId);
            Assert.Equal(_home.Paths.KeystoreFile, ex.Target);
            Assert.False(asked, "the password was asked for before the damage was reported");
            Assert.Equal(text, File.ReadAllText(_home.Paths.KeystoreFile));
        }

        [Theory]
        [InlineData("n", "33554432")]      // 2^25: 32 GiB with r = 8, which crashed the process
        [InlineData("n", "1073741824")]    // 2^30
        [InlineData("n", "1000")]          // not a power of two: failed as a wrong password
        [InlineData("n", "0")]
        [InlineData("n", "1048576")]       // 2^20 is allowed alone, but with r = 16 it needs 2 GiB
        [InlineData("n", "\"1024\"")]
        [InlineData("r", "0")]
        [InlineData("p", "100")]
        [InlineData("dklen", "16")]
        public void KeyDerivationParametersOutOfBoundsAreReportedAsDamage(string field, string value)
        {
            using (HostKey stored = HostKeyStore.Generate())
            {
                HostKeyStore.Save(_home.Paths, stored, Secure("long enough"), false, Cheap);
            }

            JObject keystore = JObject.Parse(File.ReadAllText(_home.Paths.KeystoreFile));
            var parameters = (JObject)keystore["crypto"]!["kdfparams"]!;
            parameters[field] = JToken.Parse(value);
            if (value == "1048576")
            {
                parameters["r"] = 16;
            }

            File.WriteAllText(_home.Paths.KeystoreFile, keystore.ToString());

            var unlock = Assert.Throws<FabstirException>(() =>
                HostKeyStore.Unlock(_home.Paths, Secure("long enough")));
            var check = Assert.Throws<FabstirException>(() => HostKeyStore.EnsureReadable(_home.Paths));

            foreach (var ex in new[] { unlock, check })
            {
                Assert.Equal("KeystoreDamaged", ex.ErrorId);
                Assert.Equal(_home.Paths.KeystoreFile, ex.Target);
                Assert.Contains(_home.Paths.KeystoreFile, ex.Message);
                Assert.Contains(value == "1048576" ? "n = 1048576, r = 16" : $"{field} is {value}", ex.Message);
            }
        }

        [Fact]
        public void TheLargestAllowedScryptCostStillUnlocks()
        {
            using HostKey key = HostKeyStore.Generate();
            HostKeyStore.Save(_home.Paths, key, Secure("long enough"), false,
                new ScryptParams { N = 2, R = 16, P = 16, Dklen = 32 });

            using HostKey unlocked = HostKeyStore.Unlock(_home.Paths, Secure("long enough"));

            Assert.Equal(key.Address, unlocked.Address);
        }

        [Theory]
        [InlineData("")]
        [InlineData("\n")]
        public void AnEmptyPasswordFileIsReportedAsEmpty(string content)
        {
            using (HostKey stored = HostKeyStore.Generate())
            {
                HostKeyStore.Save(_home.Paths, stored, Secure("long enough"), false, Cheap);
            }

            string passwordFile = Path.Combine(_home.Path, "password.txt");
            File.WriteAllText(passwordFile, content);
            var request = new KeyRequest { KeystorePasswordFile = passwordFile, Environment = new Hashtable() };

            var ex = Assert.Throws<FabstirException>(() => KeyResolver.Resolve(_home.Paths, request));

            Assert.Equal("KeystorePasswordFileEmpty", ex.ErrorId);
            Assert.Equal(passwordFile, ex.Target);
            Assert.Contains($"The password file '{passwordFile}' is empty", ex.Message);
        }

        [Theory]
        [InlineData("q")]
        [InlineData("1234567")]
        public void ANewKeystoreRefusesAPasswordShorterThanEight(string password)
        {
            using HostKey key = HostKeyStore.Generate();

            var ex = Assert.Throws<FabstirException>(
                () => HostKeyStore.Save(_home.Paths, key, Secure(password), force: false));

            Assert.Equal("KeystorePasswordTooShort", ex.ErrorId);
            Assert.Contains("at least 8", ex.Message);
            Assert.DoesNotContain(password, ex.Message);
            Assert.False(File.Exists(_home.Paths.KeystoreFile));
        }

        private HostKey HostKeyResolveResult(KeyRequest request) => KeyResolver.Resolve(_home.Paths, request);

        private string Resolve(KeyRequest request, KeySource expectedSource)
        {
            using HostKey key = KeyResolver.Resolve(_home.Paths, request);
            Assert.Equal(expectedSource, key.Source);
            return key.Address;
        }

        private static SecureString Secure(string text) => KeyResolver.ToSecure(text);
    }
}
