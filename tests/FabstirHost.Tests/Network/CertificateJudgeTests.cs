using System.Net.Security;
using FabstirHost.Core.Network;
using FabstirHost.Tests.Infrastructure;
using Xunit;

namespace FabstirHost.Tests.Network
{
    public sealed class CertificateJudgeTests
    {
        [Fact]
        public void A_certificate_the_platform_accepted_has_no_problem()
        {
            using var certificate = TestCertificates.Current();

            Assert.Null(CertificateJudge.Problem(certificate, null, SslPolicyErrors.None, "localhost", DateTime.UtcNow));
        }

        [Fact]
        public void A_name_mismatch_names_both_names()
        {
            using var certificate = TestCertificates.Current();

            string? problem = CertificateJudge.Problem(
                certificate, null, SslPolicyErrors.RemoteCertificateNameMismatch, "node.example.com", DateTime.UtcNow);

            Assert.Equal("it was issued for 'localhost', not for 'node.example.com'", problem);
        }

        [Fact]
        public void A_certificate_not_yet_valid_says_from_when()
        {
            using var certificate = TestCertificates.SelfSigned(
                DateTimeOffset.UtcNow.AddDays(5), DateTimeOffset.UtcNow.AddDays(30));

            string? problem = CertificateJudge.Problem(
                certificate, null, SslPolicyErrors.RemoteCertificateChainErrors, "localhost", DateTime.UtcNow);

            Assert.StartsWith("it is not valid before", problem);
        }
    }
}
