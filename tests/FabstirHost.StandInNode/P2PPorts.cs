using System.Net;
using System.Net.Sockets;

namespace FabstirHost.StandInNode
{
    /// <summary>
    /// Holds the three sockets libp2p listens on: TCP P, TCP P+1 and UDP (QUIC) P+2. Nothing speaks
    /// libp2p on them; they exist so that port conflicts, firewall checks and "is the port taken"
    /// probes see what they would see with the real node.
    /// </summary>
    internal sealed class P2PPorts
    {
        private readonly List<IDisposable> _sockets = new();

        private P2PPorts()
        {
        }

        public IReadOnlyList<string> ListenAddresses { get; private set; } = Array.Empty<string>();

        /// <summary>
        /// Binds all three or reports the failure as anyhow prints the error chain libp2p returns:
        /// the context line, then the causes, the last one the OS error.
        /// </summary>
        public static P2PPorts Bind(IPAddress address, int port, out string? error)
        {
            var ports = new P2PPorts();
            string host = address.ToString();
            var addresses = new[]
            {
                $"/ip4/{host}/tcp/{port}",
                $"/ip4/{host}/tcp/{port + 1}",
                $"/ip4/{host}/udp/{port + 2}/quic-v1",
            };
            error = null;
            int index = 0;
            try
            {
                ports._sockets.Add(StartTcp(address, port));
                index++;
                ports._sockets.Add(StartTcp(address, port + 1));
                index++;
                ports._sockets.Add(new UdpClient(new IPEndPoint(address, port + 2)));
            }
            catch (SocketException exception)
            {
                ports.Dispose();
                error = $"Failed to listen on {addresses[index]}\n\nCaused by:\n"
                    + $"    0: Transport error\n    1: {OsError.Describe(exception)}";
                return ports;
            }

            ports.ListenAddresses = addresses;
            return ports;
        }

        public void Dispose()
        {
            foreach (IDisposable socket in _sockets)
            {
                socket.Dispose();
            }

            _sockets.Clear();
        }

        private static IDisposable StartTcp(IPAddress address, int port)
        {
            var listener = new TcpListener(address, port);
            listener.Start();
            return new Releaser(listener.Stop);
        }

        private sealed class Releaser : IDisposable
        {
            private readonly Action _release;

            public Releaser(Action release) => _release = release;

            public void Dispose() => _release();
        }
    }
}
