using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>
    /// Certificates made on the spot for https listeners: self-signed, for localhost and 127.0.0.1.
    /// </summary>
    public static class TestCertificates
    {
        public static X509Certificate2 SelfSigned(
            DateTimeOffset notBefore,
            DateTimeOffset notAfter,
            string name = "localhost")
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName(name);
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                new OidCollection { new Oid("1.3.6.1.5.5.7.3.1") }, critical: false));
            using X509Certificate2 created = request.CreateSelfSigned(notBefore, notAfter);

            // A round trip through PKCS#12 gives a key the TLS stack can use on every platform.
            return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
        }

        public static X509Certificate2 Current() =>
            SelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        public static X509Certificate2 Expired() =>
            SelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddDays(-30));
    }
}
