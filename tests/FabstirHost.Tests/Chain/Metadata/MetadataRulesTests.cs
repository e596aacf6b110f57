using System.Collections;
using FabstirHost.Core;
using FabstirHost.Core.Chain;
using FabstirHost.Core.Chain.HostManagement;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Chain.Metadata
{
    /// <summary>The rules every metadata field meets before it is published, without a chain.</summary>
    public sealed class MetadataRulesTests
    {
        private const string Hex64 = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

        private const string Mnemonic =
            "abandon ability able about above absent absorb abstract absurd abuse access accident";

        public static TheoryData<string, Hashtable> SecretShapes()
        {
            return new TheoryData<string, Hashtable>
            {
                { "uppercase 0X prefix", new Hashtable { ["note"] = "0X" + Hex64.ToUpperInvariant() } },
                { "inside text", new Hashtable { ["note"] = "my key is 0x" + Hex64 + ", keep it" } },
                { "bare, no prefix", new Hashtable { ["note"] = Hex64 } },
                { "as the field name", new Hashtable { ["0x" + Hex64] = 1 } },
                { "as a nested field name", new Hashtable { ["a"] = new Hashtable { [Hex64] = "x" } } },
                { "deep in a list", new Hashtable { ["a"] = new object[] { new object[] { "k " + Hex64 } } } },
                { "12-word phrase", new Hashtable { ["note"] = Mnemonic } },
                { "24-word phrase", new Hashtable { ["n"] = new Hashtable { ["x"] = Mnemonic + " " + Mnemonic } } },
            };
        }

        [Theory]
        [MemberData(nameof(SecretShapes))]
        public void SecretShapesAreRefusedWithoutShowingThem(string shape, Hashtable fields)
        {
            var ex = Assert.Throws<FabstirException>(() =>
                HostMetadataMerge.Merge(null, fields, replace: false, new CollectingLog()));

            Assert.Equal(RegistrationErrors.MetadataSecretRefused, ex.ErrorId);
            Assert.DoesNotContain(Hex64, ex.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Hex64, ex.Target?.ToString() ?? "", StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("abandon", ex.Message);
            _ = shape; // names the case in the test's display name only
        }

        [Fact]
        public void RegistrationRefusesTheSameShapes()
        {
            var fields = new Dictionary<string, object?> { ["note"] = "my key is 0x" + Hex64 };

            var ex = Assert.Throws<FabstirException>(() => HostMetadata.RefuseSecrets(fields));

            Assert.Equal(RegistrationErrors.MetadataSecretRefused, ex.ErrorId);
            Assert.Equal("note", ex.Target);
        }

        [Fact]
        public void AHashIsRefusedTooAndTheMessageSaysWhyAndWhatToDo()
        {
            var fields = new Hashtable { ["modelSha256"] = Hex64 };

            var ex = Assert.Throws<FabstirException>(() =>
                HostMetadataMerge.Merge(null, fields, replace: false, new CollectingLog()));

            Assert.Contains("sha256", ex.Message);
            Assert.Contains("fewer than its 64 digits", ex.Message);
        }

        [Theory]
        [InlineData("0x02" + Hex64)]                       // a compressed public key: 66 hex digits
        [InlineData("0x" + "ab" + Hex64)]                  // a longer hex run
        [InlineData("0x8ba1f109551bd432803012645ac136ddd64dba72")] // an address
        [InlineData("fast gpu host in the eu west region with good uptime and support")]
        [InlineData("Abandon ability able about above absent absorb abstract absurd abuse access accident")]
        [InlineData("abandon ability able about above absent absorb abstract absurd abuse access")]
        public void ValuesThatAreNotSecretsPass(string value)
        {
            var fields = new Hashtable { ["note"] = value };

            string json = HostMetadataMerge.Merge(null, fields, replace: false, new CollectingLog());

            Assert.Contains(value, json);
        }

        [Fact]
        public void AKeyAlreadyOnChainInsideTextIsDroppedWithoutBeingShown()
        {
            string onChain = "{\"hardware\":\"gpu\",\"note\":\"key 0X" + Hex64 + "\",\"tags\":[\"a\",\"" + Hex64 + "\"]}";
            var log = new CollectingLog();

            string json = HostMetadataMerge.Merge(onChain, new Hashtable { ["location"] = "eu" }, false, log);

            Assert.DoesNotContain(Hex64, json, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\"hardware\":\"gpu\"", json);
            Assert.Contains("\"tags\":[\"a\"]", json);
            Assert.DoesNotContain(Hex64, log.All, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("treat that secret as exposed", log.All);
        }

        public static TheoryData<string, object, string> NotJson()
        {
            var itself = new Hashtable();
            itself["me"] = itself;
            return new TheoryData<string, object, string>
            {
                { "code", new Action(() => { }), "Action" },
                { "a date", DateTime.UnixEpoch, "DateTime" },
                { "not a number", double.NaN, "finite" },
                { "an object in a list", new object[] { "ok", new Uri("http://x") }, "Uri" },
                { "a table holding itself", itself, "deeper than 16" },
            };
        }

        [Theory]
        [MemberData(nameof(NotJson))]
        public void ValuesThatAreNotJsonAreRefusedNamingTheFieldAndType(string what, object value, string named)
        {
            var fields = new Hashtable { ["x"] = value };

            var merged = Assert.Throws<FabstirException>(() =>
                HostMetadataMerge.Merge(null, fields, replace: false, new CollectingLog()));
            var registered = Assert.Throws<FabstirException>(() =>
                HostMetadata.RefuseSecrets(new Dictionary<string, object?> { ["x"] = value }));

            foreach (var ex in new[] { merged, registered })
            {
                Assert.Equal(RegistrationErrors.MetadataInvalid, ex.ErrorId);
                Assert.Contains("'x", ex.Message);
                Assert.Contains(named, ex.Message);
            }

            _ = what; // names the case in the test's display name only
        }

        [Fact]
        public void JsonValuesOfEveryKindPass()
        {
            var fields = new Hashtable
            {
                ["s"] = "text", ["i"] = 3, ["l"] = 5000000000L, ["d"] = 1.5, ["m"] = 2.25m, ["b"] = true,
                ["list"] = new object[] { 1, "two", new Hashtable { ["three"] = false } },
            };

            string json = HostMetadataMerge.Merge(null, fields, replace: false, new CollectingLog());

            Assert.Contains("\"list\":[1,\"two\",{\"three\":false}]", json);
            Assert.Contains("\"l\":5000000000", json);
        }

        [Fact]
        public void MetadataOverFourKibIsRefusedWithItsSize()
        {
            var fields = new Hashtable { ["x"] = new string('y', 100000) };

            var ex = Assert.Throws<FabstirException>(() =>
                HostMetadataMerge.Merge(null, fields, replace: false, new CollectingLog()));

            Assert.Equal(RegistrationErrors.MetadataInvalid, ex.ErrorId);
            Assert.Contains("100008 bytes", ex.Message);
            Assert.Contains("4096", ex.Message);
            Assert.Equal(4096, MetadataRules.MaxJsonBytes);
        }

        [Fact]
        public void MetadataOfExactlyFourKibPasses()
        {
            // {"x":"..."} is 8 bytes around the value.
            var fields = new Hashtable { ["x"] = new string('y', MetadataRules.MaxJsonBytes - 8) };

            string json = HostMetadataMerge.Merge(null, fields, replace: false, new CollectingLog());

            Assert.Equal(MetadataRules.MaxJsonBytes, json.Length);
        }

        [Fact]
        public void NullFieldsAreLeftOutAtEveryDepthInRegistrationAsInSetFabstirHost()
        {
            string onChain = "{\"publicKey\":\"02ab\",\"location\":\"eu\"}";
            var user = new Dictionary<string, object?>
            {
                ["location"] = null,
                ["gpu"] = new Hashtable { ["model"] = "4090", ["vram"] = null },
            };

            string registered = HostMetadata.ToJson(
                HostMetadata.Build(onChain, new Newtonsoft.Json.Linq.JObject(), user, "02ab"));
            string merged = HostMetadataMerge.Merge(onChain, new Hashtable(user), false, new CollectingLog());

            Assert.Equal("{\"publicKey\":\"02ab\",\"gpu\":{\"model\":\"4090\"}}", registered);
            Assert.Equal(registered, merged);
        }
    }
}
