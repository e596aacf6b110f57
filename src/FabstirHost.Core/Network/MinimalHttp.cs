using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace FabstirHost.Core.Network
{
    /// <summary>An HTTP answer as read off the wire.</summary>
    internal sealed class HttpAnswer
    {
        public HttpAnswer(
            int statusCode,
            string reason,
            IReadOnlyDictionary<string, string> headers,
            string body)
        {
            StatusCode = statusCode;
            Reason = reason;
            Headers = headers;
            Body = body;
        }

        public int StatusCode { get; }

        public string Reason { get; }

        public IReadOnlyDictionary<string, string> Headers { get; }

        public string Body { get; }
    }

    /// <summary>The peer answered, but not with HTTP (or not with complete HTTP).</summary>
    internal sealed class NotHttpException : Exception
    {
        public NotHttpException(string message)
            : base(message)
        {
        }
    }

    /// <summary>
    /// One HTTP/1.1 GET over a stream the probe has already connected (and secured). The probe owns
    /// the socket and the TLS handshake so that it can tell a refused connection from a silent one
    /// and a certificate problem from an HTTP error; an HttpClient would hide those phases.
    /// </summary>
    internal static class MinimalHttp
    {
        private const int MaxHeaderBytes = 64 * 1024;
        private const int MaxBodyBytes = 1024 * 1024;
        private const string ClosedMidAnswer = "the server closed the connection in the middle of its answer";

        public static async Task<HttpAnswer> GetAsync(
            Stream stream,
            Uri url,
            CancellationToken cancellationToken)
        {
            string request =
                $"GET {url.PathAndQuery} HTTP/1.1\r\n" +
                $"Host: {url.Authority}\r\n" +
                "User-Agent: FabstirHost\r\n" +
                "Accept: application/json, */*\r\n" +
                "Connection: close\r\n\r\n";
            byte[] bytes = Encoding.ASCII.GetBytes(request);
            await stream.WriteAsync(bytes, 0, bytes.Length, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

            var reader = new BufferedReader(stream, cancellationToken);
            string head = await ReadHeadAsync(reader).ConfigureAwait(false);
            string[] lines = head.Split(new[] { "\r\n" }, StringSplitOptions.None);
            (int status, string reason) = ParseStatusLine(lines[0]);
            Dictionary<string, string> headers = ParseHeaders(lines);
            string body = await ReadBodyAsync(reader, headers).ConfigureAwait(false);
            return new HttpAnswer(status, reason, headers, body);
        }

        private static async Task<string> ReadHeadAsync(BufferedReader reader)
        {
            var head = new StringBuilder();
            while (true)
            {
                int next = await reader.ReadByteAsync().ConfigureAwait(false);
                if (next < 0)
                {
                    throw new NotHttpException(head.Length == 0
                        ? "the server closed the connection without answering"
                        : ClosedMidAnswer);
                }

                head.Append((char)next);
                if (head.Length == 5 && !head.ToString().StartsWith("HTTP/", StringComparison.Ordinal))
                {
                    throw new NotHttpException("the server answered with something that is not HTTP");
                }

                if (head.Length > MaxHeaderBytes)
                {
                    throw new NotHttpException("the server's answer has headers larger than 64 KB");
                }

                bool ended = next == '\n' && head.Length >= 4
                    && head.ToString(head.Length - 4, 4) == "\r\n\r\n";
                if (ended)
                {
                    return head.ToString(0, head.Length - 4);
                }
            }
        }

        private static (int, string) ParseStatusLine(string line)
        {
            string[] parts = line.Split(new[] { ' ' }, 3);
            int status = 0;
            bool valid = parts.Length >= 2
                && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out status);
            if (!valid)
            {
                throw new NotHttpException($"the server's status line '{line}' is not HTTP");
            }

            return (status, parts.Length > 2 ? parts[2] : string.Empty);
        }

        private static Dictionary<string, string> ParseHeaders(string[] lines)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 1; i < lines.Length; i++)
            {
                int colon = lines[i].IndexOf(':');
                if (colon > 0)
                {
                    headers[lines[i].Substring(0, colon).Trim()] = lines[i].Substring(colon + 1).Trim();
                }
            }

            return headers;
        }

        private static async Task<string> ReadBodyAsync(
            BufferedReader reader,
            Dictionary<string, string> headers)
        {
            var body = new MemoryStream();
            if (headers.TryGetValue("Transfer-Encoding", out string? encoding)
                && encoding.IndexOf("chunked", StringComparison.OrdinalIgnoreCase) >= 0)
            {
                await ReadChunkedAsync(reader, body).ConfigureAwait(false);
            }
            else if (headers.TryGetValue("Content-Length", out string? lengthText)
                && long.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out long length))
            {
                long wanted = Math.Min(length, MaxBodyBytes);
                await reader.CopyAsync(body, wanted, exact: true).ConfigureAwait(false);
            }
            else
            {
                await reader.CopyAsync(body, MaxBodyBytes, exact: false).ConfigureAwait(false);
            }

            return Encoding.UTF8.GetString(body.ToArray());
        }

        private static async Task ReadChunkedAsync(BufferedReader reader, MemoryStream body)
        {
            while (true)
            {
                string sizeLine = await reader.ReadLineAsync().ConfigureAwait(false);
                string sizeText = sizeLine.Split(';')[0].Trim();
                bool valid = long.TryParse(
                    sizeText, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long size);
                if (!valid)
                {
                    throw new NotHttpException($"the server sent a malformed chunk size '{sizeLine}'");
                }

                if (size == 0 || body.Length + size > MaxBodyBytes)
                {
                    return;
                }

                await reader.CopyAsync(body, size, exact: true).ConfigureAwait(false);
                await reader.ReadLineAsync().ConfigureAwait(false);
            }
        }

        /// <summary>Reads a stream through a buffer, so the head can be parsed a byte at a time.</summary>
        private sealed class BufferedReader
        {
            private readonly Stream _stream;
            private readonly CancellationToken _cancellationToken;
            private readonly byte[] _buffer = new byte[8192];
            private int _position;
            private int _count;

            public BufferedReader(Stream stream, CancellationToken cancellationToken)
            {
                _stream = stream;
                _cancellationToken = cancellationToken;
            }

            public async Task<int> ReadByteAsync()
            {
                if (_position == _count && !await FillAsync().ConfigureAwait(false))
                {
                    return -1;
                }

                return _buffer[_position++];
            }

            public async Task<string> ReadLineAsync()
            {
                var line = new StringBuilder();
                while (true)
                {
                    int next = await ReadByteAsync().ConfigureAwait(false);
                    if (next < 0)
                    {
                        throw new NotHttpException(ClosedMidAnswer);
                    }

                    if (next == '\n')
                    {
                        return line.ToString().TrimEnd('\r');
                    }

                    line.Append((char)next);
                }
            }

            public async Task CopyAsync(Stream destination, long length, bool exact)
            {
                long remaining = length;
                while (remaining > 0)
                {
                    if (_position == _count && !await FillAsync().ConfigureAwait(false))
                    {
                        if (exact)
                        {
                            throw new NotHttpException(ClosedMidAnswer);
                        }

                        return;
                    }

                    int take = (int)Math.Min(remaining, _count - _position);
                    destination.Write(_buffer, _position, take);
                    _position += take;
                    remaining -= take;
                }
            }

            private async Task<bool> FillAsync()
            {
                _count = await _stream.ReadAsync(_buffer, 0, _buffer.Length, _cancellationToken)
                    .ConfigureAwait(false);
                _position = 0;
                return _count > 0;
            }
        }
    }
}
