using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace FabstirHost.Core.Network
{
    /// <summary>
    /// Rules about node URLs shared by the probe, the diagnostics and registration: which hosts
    /// the internet cannot reach, where a node's endpoints are below a URL that has a path, and
    /// which port a URL really means.
    /// </summary>
    public static class UrlRules
    {
        public const string InvalidUrlErrorId = "InvalidEndpointUrl";

        /// <summary>
        /// Parses a node URL: absolute, http or https, with a host. A bare <c>host:port</c> is
        /// refused rather than guessed, because guessing the scheme guesses the port too.
        /// </summary>
        public static Uri Parse(string url)
        {
            string text = (url ?? string.Empty).Trim();
            string shown = Redact(text);
            string? port = WrittenPort(text);
            if (port != null && (port.Length > 5 || int.Parse(port) > 65535))
            {
                throw new FabstirException(
                    InvalidUrlErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"'{shown}' is not a node URL: port {port} is outside 1–65535. Give the port the " +
                    "node's API listens on, or leave it out for the scheme's default.",
                    shown);
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                || string.IsNullOrEmpty(uri.Host))
            {
                throw new FabstirException(
                    InvalidUrlErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"'{shown}' is not a node URL. Give an absolute http:// or https:// URL with a host, " +
                    "for example https://node.example.com or http://203.0.113.7:8080.",
                    shown);
            }

            if (uri.Port == 0)
            {
                throw new FabstirException(
                    InvalidUrlErrorId,
                    FabstirErrorCategory.InvalidArgument,
                    $"'{shown}' names port 0, which no node can listen on. Give the port the node's API " +
                    "listens on (1 to 65535), or leave it out for the scheme's default.",
                    shown);
            }

            return uri;
        }

        /// <summary>
        /// The URL fit for messages, logs and results: a user part before the host, which may hold a
        /// password, is shown as <c>…</c> (<c>http://…@host:port/path</c>), and so is every value of
        /// the query and the fragment, which may hold a token; the parameter names stay
        /// (<c>?token=…&amp;id=…</c>). Works on text that is not a valid URL too, so that refusing
        /// one does not repeat its secrets.
        /// </summary>
        public static string Redact(string url)
        {
            int scheme = url.IndexOf("://", StringComparison.Ordinal);
            int start = scheme < 0 ? 0 : scheme + 3;
            int end = url.IndexOfAny(new[] { '/', '?', '#', '\\' }, start);
            int length = (end < 0 ? url.Length : end) - start;
            int at = length == 0 ? -1 : url.LastIndexOf('@', start + length - 1, length);
            string shown = at < 0 ? url : url.Substring(0, start) + "…" + url.Substring(at);
            return RedactParameters(shown, start);
        }

        /// <inheritdoc cref="Redact(string)"/>
        public static string Redact(Uri url)
        {
            return HasSecretParts(url) ? Redact(url.ToString()) : url.ToString();
        }

        /// <summary>
        /// The same URL with its user part and its query and fragment values, if any, replaced by
        /// <c>…</c>, for results that keep the URL as a <see cref="Uri"/>; see
        /// <see cref="Redact(string)"/>.
        /// </summary>
        public static Uri WithoutCredentials(Uri url)
        {
            return HasSecretParts(url) ? new Uri(Redact(url.AbsoluteUri)) : url;
        }

        private static bool HasSecretParts(Uri url)
        {
            return !url.IsAbsoluteUri || url.UserInfo.Length > 0 || url.Query.Length > 0 ||
                url.Fragment.Length > 0;
        }

        /// <summary>
        /// Masks each value after '?' and '#' (from <paramref name="from"/> on): <c>name=value</c>
        /// becomes <c>name=…</c>, and a part without '=' becomes <c>…</c>, since it may be a bare
        /// token. Empty values stay empty.
        /// </summary>
        private static string RedactParameters(string url, int from)
        {
            int query = url.IndexOfAny(new[] { '?', '#' }, Math.Min(from, url.Length));
            if (query < 0)
            {
                return url;
            }

            var shown = new System.Text.StringBuilder(url.Substring(0, query));
            int i = query;
            while (i < url.Length)
            {
                char separator = url[i];
                int next = url.IndexOfAny(
                    separator == '#' ? new[] { '&', ';' } : new[] { '&', ';', '#' }, i + 1);
                string part = url.Substring(i + 1, (next < 0 ? url.Length : next) - i - 1);
                shown.Append(separator);
                int equals = part.IndexOf('=');
                if (equals >= 0)
                {
                    shown.Append(part, 0, equals + 1);
                    shown.Append(equals + 1 < part.Length ? "…" : string.Empty);
                }
                else if (part.Length > 0)
                {
                    shown.Append('…');
                }

                i = next < 0 ? url.Length : next;
            }

            return shown.ToString();
        }

        /// <summary>
        /// The digits written as the port of a URL's authority (after the user part and the host,
        /// IPv6 brackets included), without leading zeros; null when no port is written. Read from
        /// the text because <see cref="Uri"/> refuses a port above 65535 without saying why.
        /// </summary>
        private static string? WrittenPort(string text)
        {
            int scheme = text.IndexOf("://", StringComparison.Ordinal);
            if (scheme < 0)
            {
                return null;
            }

            int start = scheme + 3;
            int end = text.IndexOfAny(new[] { '/', '?', '#', '\\' }, start);
            string authority = text.Substring(start, (end < 0 ? text.Length : end) - start);
            string hostAndPort = authority.Substring(authority.LastIndexOf('@') + 1);
            int colon = hostAndPort.LastIndexOf(':');
            if (colon < 0 || colon < hostAndPort.LastIndexOf(']'))
            {
                return null;
            }

            string digits = hostAndPort.Substring(colon + 1);
            if (digits.Length == 0 || !digits.All(c => c >= '0' && c <= '9'))
            {
                return null;
            }

            string trimmed = digits.TrimStart('0');
            return trimmed.Length == 0 ? "0" : trimmed;
        }

        /// <summary>The port a URL means: its explicit port, else 80 for http and 443 for https.</summary>
        public static int EffectivePort(Uri url)
        {
            // Uri.Port already applies the scheme default; IsDefaultPort tells whether it was written.
            return url.Port;
        }

        /// <summary>True when the URL names its port rather than relying on the scheme's default.</summary>
        public static bool HasExplicitPort(Uri url)
        {
            return !url.IsDefaultPort;
        }

        /// <summary>
        /// The URL of an endpoint below the node's base URL, keeping the base path, so that a node
        /// published at <c>https://gw/x/node1</c> is asked at <c>https://gw/x/node1/health</c>.
        /// Query and fragment of the base are dropped: they do not address the node.
        /// </summary>
        public static Uri EndpointUrl(Uri baseUrl, string endpoint)
        {
            string basePath = baseUrl.AbsolutePath.TrimEnd('/');
            var builder = new UriBuilder(baseUrl)
            {
                Path = basePath + "/" + endpoint.TrimStart('/'),
                Query = string.Empty,
                Fragment = string.Empty,
            };

            return builder.Uri;
        }

        public static Uri HealthUrl(Uri baseUrl) => EndpointUrl(baseUrl, "health");

        public static Uri VersionUrl(Uri baseUrl) => EndpointUrl(baseUrl, "v1/version");

        /// <summary>
        /// Why the URL's host can only be reached from this machine or its local network, or null
        /// when it may be public. Looks at the name only; see <see cref="LocalOnlyReason(IPAddress)"/>
        /// for the addresses a name resolves to.
        /// </summary>
        public static string? LocalOnlyReason(Uri url)
        {
            if (TryParseAddress(url.Host, out IPAddress? address))
            {
                return LocalOnlyReason(address!);
            }

            string host = url.Host.TrimEnd('.').ToLowerInvariant();
            if (host == "localhost" || host.EndsWith(".localhost", StringComparison.Ordinal))
            {
                return $"'{host}' always means this machine";
            }

            if (host.EndsWith(".local", StringComparison.Ordinal))
            {
                return $"'{host}' is a multicast DNS (.local) name, known only on the local network";
            }

            return null;
        }

        /// <summary>
        /// Reads a URL's host as an IP address only when it is written as one: IPv6 (with or
        /// without brackets) or the canonical dotted quad. Anything else, such as <c>10.1.2.</c>
        /// or <c>10.1.2</c>, is a name, as the resolver treats it; the probe and the local-only rule
        /// both decide with this, so they agree.
        /// </summary>
        public static bool TryParseAddress(string host, out IPAddress? address)
        {
            string text = host.Trim('[', ']');
            if (IPAddress.TryParse(text, out address)
                && (address.AddressFamily == AddressFamily.InterNetworkV6
                    ? text.IndexOf(':') >= 0
                    : address.ToString() == text))
            {
                return true;
            }

            address = null;
            return false;
        }

        public static bool IsLocalOnly(Uri url) => LocalOnlyReason(url) != null;

        /// <summary>Why an address cannot be reached from the internet, or null when it can be.</summary>
        public static string? LocalOnlyReason(IPAddress address)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                return LocalOnlyReasonV4(address.GetAddressBytes());
            }

            if (address.Equals(IPAddress.IPv6Loopback))
            {
                return $"{address} is the loopback address";
            }

            if (address.Equals(IPAddress.IPv6Any))
            {
                return $"{address} means 'any address' and cannot be dialled";
            }

            if (address.IsIPv6LinkLocal)
            {
                return $"{address} is a link-local address";
            }

            byte first = address.GetAddressBytes()[0];
            if ((first & 0xFE) == 0xFC)
            {
                return $"{address} is a unique-local (private) IPv6 address";
            }

            return null;
        }

        private static string? LocalOnlyReasonV4(byte[] b)
        {
            string text = string.Join(".", b.Select(x => x.ToString()));
            if (b[0] == 127)
            {
                return $"{text} is a loopback address";
            }

            if (b.All(x => x == 0))
            {
                return $"{text} means 'any address' and cannot be dialled";
            }

            if (b[0] == 169 && b[1] == 254)
            {
                return $"{text} is a link-local address";
            }

            if (b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168))
            {
                return $"{text} is a private (RFC 1918) address";
            }

            if (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            {
                return $"{text} is a carrier-grade NAT (RFC 6598) address";
            }

            return null;
        }

        /// <summary>
        /// True for names under <c>.invalid</c>, which RFC 6761 reserves as never resolving: the probe
        /// answers them itself instead of sending a query.
        /// </summary>
        public static bool IsReservedInvalidName(string host)
        {
            string name = host.TrimEnd('.').ToLowerInvariant();
            return name == "invalid" || name.EndsWith(".invalid", StringComparison.Ordinal);
        }

        /// <summary>Every address that reaches this machine: its interfaces' addresses and loopback.</summary>
        public static IReadOnlyCollection<IPAddress> LocalAddresses()
        {
            var addresses = new HashSet<IPAddress> { IPAddress.Loopback, IPAddress.IPv6Loopback };
            foreach (var nic in System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces())
            {
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                {
                    addresses.Add(unicast.Address);
                }
            }

            return addresses;
        }

        /// <summary>True when the address is one of this machine's (any 127.0.0.0/8 address counts).</summary>
        public static bool IsThisMachine(IPAddress address, IReadOnlyCollection<IPAddress> localAddresses)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }

            return IPAddress.IsLoopback(address) || localAddresses.Contains(address);
        }

        internal static IEnumerable<string> Describe(IEnumerable<IPAddress> addresses)
        {
            return addresses.Select(a => a.ToString());
        }
    }
}
