using System.Net;
using FabstirHost.Core;
using FabstirHost.Core.Network;
using Xunit;

namespace FabstirHost.Tests.Network
{
    public sealed class UrlRulesTests
    {
        [Theory]
        [InlineData("https://gw.example.com/x/node1", "https://gw.example.com/x/node1/health")]
        [InlineData("https://gw.example.com/x/node1/", "https://gw.example.com/x/node1/health")]
        [InlineData("http://203.0.113.7:8080", "http://203.0.113.7:8080/health")]
        [InlineData("http://203.0.113.7:8080/?a=1#f", "http://203.0.113.7:8080/health")]
        public void The_health_url_keeps_the_path(string url, string expected)
        {
            Assert.Equal(expected, UrlRules.HealthUrl(new Uri(url)).AbsoluteUri);
        }

        [Theory]
        [InlineData("https://node.example.com", 443, false)]
        [InlineData("http://node.example.com", 80, false)]
        [InlineData("https://node.example.com:8443", 8443, true)]
        [InlineData("http://node.example.com:8080/x", 8080, true)]
        public void The_port_is_explicit_or_the_scheme_default(string url, int port, bool isExplicit)
        {
            Assert.Equal(port, UrlRules.EffectivePort(new Uri(url)));
            Assert.Equal(isExplicit, UrlRules.HasExplicitPort(new Uri(url)));
        }

        [Theory]
        [InlineData("http://localhost:8080")]
        [InlineData("http://api.localhost")]
        [InlineData("http://127.0.0.1:8080")]
        [InlineData("http://127.8.9.10")]
        [InlineData("http://[::1]:8080")]
        [InlineData("http://0.0.0.0:8080")]
        [InlineData("http://169.254.10.1")]
        [InlineData("http://[fe80::1]")]
        [InlineData("http://10.1.2.3")]
        [InlineData("http://172.16.0.1")]
        [InlineData("http://172.31.255.1")]
        [InlineData("http://192.168.1.20:8080")]
        [InlineData("http://[fd12:3456::1]")]
        [InlineData("http://gpu-box.local:8080")]
        [InlineData("http://100.64.1.1")]
        public void Local_only_hosts_are_recognised(string url)
        {
            Assert.True(UrlRules.IsLocalOnly(new Uri(url)));
        }

        [Theory]
        [InlineData("https://node.example.com")]
        [InlineData("http://203.0.113.7:8080")]
        [InlineData("http://172.32.0.1")]
        [InlineData("http://[2001:db8::1]")]
        [InlineData("http://local.example.com")]
        public void Public_hosts_are_not_local_only(string url)
        {
            Assert.False(UrlRules.IsLocalOnly(new Uri(url)));
        }

        [Theory]
        [InlineData("10.1.2.3", true)]
        [InlineData("[::1]", true)]
        [InlineData("::ffff:10.1.2.3", true)]
        [InlineData("10.1.2.", false)]
        [InlineData("10.1.2", false)]
        [InlineData("010.1.2.3", false)]
        [InlineData("10.1.2.3.", false)]
        [InlineData("node.example.com", false)]
        public void A_host_is_an_address_only_when_written_as_one(string host, bool isAddress)
        {
            Assert.Equal(isAddress, UrlRules.TryParseAddress(host, out IPAddress? address));
            Assert.Equal(isAddress, address != null);
        }

        [Theory]
        [InlineData("http://10.1.2./")]
        [InlineData("http://192.168.1.20./")]
        public void A_name_that_looks_like_a_private_address_is_judged_as_a_name(string url)
        {
            Assert.Null(UrlRules.LocalOnlyReason(new Uri(url)));
        }

        [Theory]
        [InlineData("node.example.com:8080")]
        [InlineData("ftp://node.example.com")]
        [InlineData("")]
        [InlineData("/health")]
        [InlineData("http://127.0.0.1:0")]
        public void Urls_that_are_not_node_urls_are_refused(string url)
        {
            var error = Assert.Throws<FabstirException>(() => UrlRules.Parse(url));
            Assert.Equal(UrlRules.InvalidUrlErrorId, error.ErrorId);
        }

        [Theory]
        [InlineData("http://127.0.0.1:99999/", "99999")]
        [InlineData("https://node.example.com:70000/x", "70000")]
        [InlineData("http://[::1]:65536", "65536")]
        [InlineData("http://operator@node.example.com:123456789012", "123456789012")]
        public void A_port_out_of_range_is_named(string url, string port)
        {
            var error = Assert.Throws<FabstirException>(() => UrlRules.Parse(url));

            Assert.Equal(UrlRules.InvalidUrlErrorId, error.ErrorId);
            Assert.Contains($"port {port} is outside 1–65535", error.Message);
        }

        [Theory]
        [InlineData("http://127.0.0.1:65535", 65535)]
        [InlineData("http://[::1]:1/x:99999", 1)]
        [InlineData("http://node.example.com/?next=a:99999", 80)]
        public void A_port_in_range_is_taken_whatever_follows_the_authority(string url, int port)
        {
            Assert.Equal(port, UrlRules.Parse(url).Port);
        }

        [Theory]
        [InlineData("http://user:s3cret@127.0.0.1:1/", "http://…@127.0.0.1:1/")]
        [InlineData("https://a:b@c@node.example.com/x?y=1", "https://…@node.example.com/x?y=…")]
        [InlineData("user:s3cret@node.example.com:8080", "…@node.example.com:8080")]
        [InlineData("http://node.example.com/x@y", "http://node.example.com/x@y")]
        [InlineData("ftp://x", "ftp://x")]
        public void The_user_part_of_a_url_is_never_shown(string url, string shown)
        {
            Assert.Equal(shown, UrlRules.Redact(url));
        }

        [Theory]
        [InlineData("http://127.0.0.1:8080/?password=Hunter2Secret", "http://127.0.0.1:8080/?password=…")]
        [InlineData("https://n.example.com/x?token=Abc&id=7;k=v", "https://n.example.com/x?token=…&id=…;k=…")]
        [InlineData("https://n.example.com/?AbcSecret999", "https://n.example.com/?…")]
        [InlineData("https://n.example.com/?flag&empty=", "https://n.example.com/?…&empty=")]
        [InlineData("https://n.example.com/#access_token=Abc&x=1", "https://n.example.com/#access_token=…&x=…")]
        [InlineData("https://n.example.com/?a=1#b=2", "https://n.example.com/?a=…#b=…")]
        [InlineData("http://u:p@x/?k=v", "http://…@x/?k=…")]
        [InlineData("https://n.example.com/p", "https://n.example.com/p")]
        public void Query_and_fragment_values_are_never_shown_but_their_names_are(string url, string shown)
        {
            Assert.Equal(shown, UrlRules.Redact(url));
            if (Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
            {
                Assert.Equal(shown, UrlRules.Redact(uri));
                Assert.Equal(shown, UrlRules.WithoutCredentials(uri).ToString());
            }
        }

        [Fact]
        public void A_refused_url_does_not_repeat_its_query_values()
        {
            const string url = "ftp://node.example.com/?token=AbcSecret999";
            var error = Assert.Throws<FabstirException>(() => UrlRules.Parse(url));

            Assert.DoesNotContain("AbcSecret999", error.Message);
            Assert.DoesNotContain("AbcSecret999", error.Target?.ToString());
            Assert.Contains("?token=…", error.Message);
        }

        [Theory]
        [InlineData("http://user:s3cret@node.example.com:99999/")]
        [InlineData("http://user:s3cret@127.0.0.1:0/")]
        [InlineData("ftp://user:s3cret@node.example.com/")]
        [InlineData("user:s3cret@node.example.com:8080")]
        public void A_refused_url_does_not_repeat_its_password(string url)
        {
            var error = Assert.Throws<FabstirException>(() => UrlRules.Parse(url));

            Assert.DoesNotContain("s3cret", error.Message);
            Assert.DoesNotContain("s3cret", error.Target?.ToString());
            Assert.Contains("…@node.example.com", error.Message.Replace("127.0.0.1", "node.example.com"));
        }

        [Fact]
        public void Any_loopback_address_is_this_machine()
        {
            var local = UrlRules.LocalAddresses();
            Assert.True(UrlRules.IsThisMachine(IPAddress.Parse("127.0.0.2"), local));
            Assert.False(UrlRules.IsThisMachine(IPAddress.Parse("198.51.100.1"), local));
        }
    }
}
