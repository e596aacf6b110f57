using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>When a <see cref="DroppingRpcProxy"/> loses the connection.</summary>
    public enum RpcDrop
    {
        /// <summary>Forwards the Nth eth_sendRawTransaction and its answer, then drops every connection.</summary>
        AfterNthSendAnswered,

        /// <summary>Forwards the Nth eth_sendRawTransaction, drops its answer and every connection after.</summary>
        NthSendAnswerLost,

        /// <summary>Drops every connection from the moment <see cref="DroppingRpcProxy.GoDown"/> is called.</summary>
        WhenTold,
    }

    /// <summary>
    /// A JSON-RPC proxy over real sockets in front of a real RPC (anvil): it forwards each HTTP
    /// request as it is, answers with Connection: close, and from a chosen point on closes every
    /// connection without answering, as an RPC behind a failing network does.
    /// </summary>
    public sealed class DroppingRpcProxy : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly HttpClient _upstream = new();
        private readonly Uri _target;
        private readonly RpcDrop _drop;
        private readonly int _nth;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _acceptLoop;
        private int _sends;
        private int _dropped;
        private volatile bool _down;

        public DroppingRpcProxy(string targetUrl, RpcDrop drop, int nth = 0)
        {
            _target = new Uri(targetUrl);
            _drop = drop;
            _nth = nth;
            _listener.Start();
            _acceptLoop = Task.Run(AcceptLoopAsync);
        }

        public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        /// <summary>How many eth_sendRawTransaction requests were forwarded.</summary>
        public int ForwardedSends => Volatile.Read(ref _sends);

        /// <summary>How many connections were closed without an answer.</summary>
        public int Dropped => Volatile.Read(ref _dropped);

        public void GoDown() => _down = true;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                _acceptLoop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }

            _upstream.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    NetworkStream stream = client.GetStream();
                    string? body = await ReadRequestBodyAsync(stream);
                    if (body == null || _down)
                    {
                        Drop(client);
                        return;
                    }

                    bool isSend = body.Contains("\"eth_sendRawTransaction\"", StringComparison.Ordinal);
                    int send = isSend ? Interlocked.Increment(ref _sends) : 0;
                    using var content = new StringContent(body, Encoding.UTF8, "application/json");
                    HttpResponseMessage response = await _upstream.PostAsync(_target, content, _stop.Token);
                    byte[] answer = await response.Content.ReadAsByteArrayAsync(_stop.Token);
                    if (send == _nth && _drop != RpcDrop.WhenTold)
                    {
                        _down = true;
                        if (_drop == RpcDrop.NthSendAnswerLost)
                        {
                            Drop(client);
                            return;
                        }
                    }

                    string head = $"HTTP/1.1 {(int)response.StatusCode} OK\r\nContent-Type: application/json\r\n" +
                        $"Content-Length: {answer.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    await stream.WriteAsync(answer, _stop.Token);
                    await stream.FlushAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                }
                catch (IOException)
                {
                }
            }
        }

        private void Drop(TcpClient client)
        {
            Interlocked.Increment(ref _dropped);
            client.Client.LingerState = new LingerOption(true, 0); // a reset, as a dead peer gives
            client.Close();
        }

        /// <summary>The body of one HTTP request (by Content-Length); null when the peer closed first.</summary>
        private async Task<string?> ReadRequestBodyAsync(NetworkStream stream)
        {
            var received = new List<byte>();
            var buffer = new byte[8192];
            int headerEnd = -1;
            int length = 0;
            while (true)
            {
                if (headerEnd < 0)
                {
                    headerEnd = IndexOfBlankLine(received);
                    if (headerEnd >= 0)
                    {
                        string headers = Encoding.ASCII.GetString(received.ToArray(), 0, headerEnd);
                        length = ContentLength(headers);
                    }
                }

                if (headerEnd >= 0 && received.Count >= headerEnd + 4 + length)
                {
                    return Encoding.UTF8.GetString(received.ToArray(), headerEnd + 4, length);
                }

                int read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return null;
                }

                received.AddRange(buffer.AsSpan(0, read).ToArray());
            }
        }

        private static int IndexOfBlankLine(List<byte> data)
        {
            for (int i = 0; i + 3 < data.Count; i++)
            {
                if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
                {
                    return i;
                }
            }

            return -1;
        }

        private static int ContentLength(string headers)
        {
            foreach (string line in headers.Split("\r\n"))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    return int.Parse(line[(colon + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return 0;
        }
    }
}
