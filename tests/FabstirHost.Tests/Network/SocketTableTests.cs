using System.Net;
using System.Net.Sockets;
using FabstirHost.Core.Network;
using Xunit;

namespace FabstirHost.Tests.Network
{
    public sealed class SocketTableTests
    {
        [Theory]
        [InlineData("0100007F", "127.0.0.1")]
        [InlineData("00000000", "0.0.0.0")]
        [InlineData("0202000A", "10.0.2.2")]
        [InlineData("00000000000000000000000001000000", "::1")]
        [InlineData("0000000000000000FFFF00000100007F", "127.0.0.1")]
        [InlineData("B80D0120000000000000000001000000", "2001:db8::1")]
        public void Kernel_hex_addresses_are_decoded(string hex, string expected)
        {
            Assert.Equal(IPAddress.Parse(expected), SocketTable.ParseHexAddress(hex));
        }

        [Fact]
        public void Listening_tcp_and_bound_udp_sockets_of_this_process_are_found_with_their_owner()
        {
            var tcp = new TcpListener(IPAddress.IPv6Any, 0);
            tcp.Server.DualMode = true;
            tcp.Start();
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            try
            {
                int tcpPort = ((IPEndPoint)tcp.LocalEndpoint).Port;
                int udpPort = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;

                var sockets = SocketTable.Read();

                ListeningSocket listener = Assert.Single(SocketTable.On(sockets, tcpPort, "tcp"));
                Assert.True(listener.AllInterfaces);
                Assert.Equal(Environment.ProcessId, listener.ProcessId);
                ListeningSocket bound = Assert.Single(SocketTable.On(sockets, udpPort, "udp"));
                Assert.True(bound.LoopbackOnly);
                Assert.Equal(Environment.ProcessId, bound.ProcessId);
            }
            finally
            {
                tcp.Stop();
            }
        }
    }
}
