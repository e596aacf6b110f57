using System.Net;
using System.Net.Sockets;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>Finds free loopback ports, including runs of consecutive ports for a node's P2P range.</summary>
    public static class FreePort
    {
        // Runs are handed out from 20000 to 32000, below Linux's ephemeral range (32768-60999):
        // a port in that range can be taken at any moment as the local end of an outgoing
        // connection, by this test run or anything else on the machine.
        private const int FirstPort = 20000;
        private const int LastPort = 32000;
        private static int _next = FirstPort + (Environment.ProcessId % 100) * 100;

        /// <summary>A TCP port that is free now.</summary>
        public static int Tcp()
        {
            var listener = new TcpListener(IPAddress.Any, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        /// <summary>
        /// The first of <paramref name="count"/> consecutive ports that are free for TCP and UDP on
        /// all interfaces, as a node needs for its API and P2P ports.
        /// </summary>
        public static int Range(int count)
        {
            for (int attempt = 0; attempt < 500; attempt++)
            {
                int start = Interlocked.Add(ref _next, count + 1) - count - 1;
                if (start + count >= LastPort)
                {
                    Interlocked.Exchange(ref _next, FirstPort);
                    continue;
                }

                if (Enumerable.Range(start, count).All(IsFree))
                {
                    return start;
                }
            }

            throw new InvalidOperationException($"No run of {count} free ports found.");
        }

        public static bool IsFree(int port)
        {
            try
            {
                var tcp = new TcpListener(IPAddress.Any, port);
                tcp.Start();
                tcp.Stop();
                using var udp = new UdpClient(new IPEndPoint(IPAddress.Any, port));
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
