using FabstirHost.Core;
using FabstirHost.Core.Chain.Registration;
using FabstirHost.Core.Config;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Config
{
    /// <summary>
    /// One model of the node's ports (TCP P, TCP P+1, UDP P+2) for the API port and the public URL,
    /// in the rules and in the registration's offline checks: TCP P and P+1 clash, UDP P+2 does not.
    /// </summary>
    public sealed class NodePortRulesTests : IDisposable
    {
        private const int Api = 20_000;
        private const string Spec = "CohereForAI/TinyVicuna-1B-32k-GGUF:tiny-vicuna-1b.q4_k_m.gguf";

        private readonly string _folder = Path.Combine(Path.GetTempPath(), "fabstir-ports-" + Guid.NewGuid());

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        public void An_api_port_on_a_tcp_p2p_port_is_refused(int apiAbove)
        {
            int p2p = Api - apiAbove;

            var ex = Assert.Throws<FabstirException>(() => HostConfigRules.CheckPortsApart(Api, p2p));

            Assert.Equal("PortConflict", ex.ErrorId);
            Assert.Equal(Api, ex.Target);
            Assert.Contains($"The API port {Api} is one of the node's TCP P2P ports {p2p} and {p2p + 1}", ex.Message);
            Assert.Contains($"its QUIC port {p2p + 2} is UDP", ex.Message);
        }

        [Fact]
        public void An_api_port_on_the_udp_quic_port_is_accepted()
        {
            HostConfigRules.CheckPortsApart(Api, Api - 2);
            HostConfigRules.CheckPortsApart(Api, Api + 1);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(1)]
        public void A_public_url_on_a_tcp_p2p_port_is_refused(int offset)
        {
            int p2p = Api + 1;

            var ex = Assert.Throws<FabstirException>(() =>
                HostConfigRules.CheckPublicPortApart(p2p + offset, Api, p2p));

            Assert.Equal("PortConflict", ex.ErrorId);
            Assert.Contains(
                $"The public URL's port {p2p + offset} is one of the node's TCP P2P ports {p2p} and {p2p + 1}",
                ex.Message);
            Assert.Contains($"its QUIC port {p2p + 2} is UDP", ex.Message);
        }

        [Fact]
        public void A_public_url_on_the_udp_quic_port_is_accepted()
        {
            HostConfigRules.CheckPublicPortApart(Api + 3, Api, Api + 1);
        }

        [Theory]
        [InlineData(0, true)]
        [InlineData(-1, true)]
        [InlineData(-2, false)]
        public void Registration_applies_the_same_rule_to_the_api_port(int p2pOffset, bool refused)
        {
            RegistrationRequest request = Request($"https://host.example:{Api}", p2pPort: Api + p2pOffset);

            AssertRefused(request, refused, "The API port");
        }

        [Theory]
        [InlineData(0, true)]
        [InlineData(1, true)]
        [InlineData(2, false)]
        public void Registration_applies_the_same_rule_to_the_url_port(int offset, bool refused)
        {
            int p2p = Api + 1;
            RegistrationRequest request = Request($"http://127.0.0.1:{p2p + offset}", p2pPort: p2p);
            request.Port = Api;

            AssertRefused(request, refused, "The public URL's port");
        }

        public void Dispose()
        {
            if (Directory.Exists(_folder))
            {
                Directory.Delete(_folder, recursive: true);
            }
        }

        private static void AssertRefused(RegistrationRequest request, bool refused, string start)
        {
            var log = new CollectingLog();
            if (!refused)
            {
                RegistrationInput.Validate(request, log);
                return;
            }

            var ex = Assert.Throws<FabstirException>(() => RegistrationInput.Validate(request, log));
            Assert.Equal("PortConflict", ex.ErrorId);
            Assert.StartsWith(start, ex.Message);
            Assert.Contains("one of the node's TCP P2P ports", ex.Message);
        }

        private RegistrationRequest Request(string url, int p2pPort)
        {
            Directory.CreateDirectory(_folder);
            string model = Path.Combine(_folder, Spec.Split(':')[1]);
            File.WriteAllBytes(model, new byte[] { 0x47, 0x47, 0x55, 0x46, 3, 0, 0, 0 });
            return new RegistrationRequest
            {
                PublicUrl = url,
                Models = new List<string> { Spec },
                ModelPath = model,
                P2PPort = p2pPort,
            };
        }
    }
}
