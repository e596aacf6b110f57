using System;
using System.Linq;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace FabstirHost.Core.Network
{
    /// <summary>Turns what TLS validation found into the one-line verdict an operator can act on.</summary>
    internal static class CertificateJudge
    {
        public static EndpointCertificate? Describe(
            X509Certificate? certificate,
            X509Chain? chain,
            SslPolicyErrors errors,
            string host)
        {
            if (certificate == null)
            {
                return null;
            }

            // Copy now: the handshake may dispose its own instance once validation returns.
            using (var copy = new X509Certificate2(certificate))
            {
                string? problem = Problem(copy, chain, errors, host, DateTime.UtcNow);
                return new EndpointCertificate(
                    copy.Subject,
                    copy.Issuer,
                    copy.NotBefore.ToUniversalTime(),
                    copy.NotAfter.ToUniversalTime(),
                    copy.Thumbprint,
                    problem == null,
                    problem);
            }
        }

        internal static string? Problem(
            X509Certificate2 certificate,
            X509Chain? chain,
            SslPolicyErrors errors,
            string host,
            DateTime now)
        {
            if (errors == SslPolicyErrors.None)
            {
                return null;
            }

            // The most actionable problem first: an expired certificate is also untrusted once
            // self-signed, but renewing is what the operator must do.
            if (certificate.NotAfter.ToUniversalTime() < now)
            {
                return $"it expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm} UTC";
            }

            if (certificate.NotBefore.ToUniversalTime() > now)
            {
                DateTime start = certificate.NotBefore.ToUniversalTime();
                return $"it is not valid before {start:yyyy-MM-dd HH:mm} UTC";
            }

            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                string issuedFor = certificate.GetNameInfo(X509NameType.DnsName, false);
                return $"it was issued for '{issuedFor}', not for '{host}'";
            }

            if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return ChainProblem(certificate, chain);
            }

            return "the server presented no certificate";
        }

        private static string ChainProblem(X509Certificate2 certificate, X509Chain? chain)
        {
            X509ChainStatusFlags flags = (chain?.ChainStatus ?? Array.Empty<X509ChainStatus>())
                .Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
            if (certificate.Subject == certificate.Issuer)
            {
                return $"it is self-signed ({certificate.Subject}); clients trust only certificates from " +
                    "a public authority";
            }

            if ((flags & X509ChainStatusFlags.Revoked) != 0)
            {
                return "it has been revoked by its issuer";
            }

            if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
            {
                return $"its issuer '{certificate.Issuer}' is not trusted here, or the server does not " +
                    "send the intermediate certificates";
            }

            string detail = chain == null
                ? "unknown"
                : string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation.Trim()));
            return $"its chain does not validate: {detail}";
        }
    }
}
