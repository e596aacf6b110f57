using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using System.Text;

namespace FabstirHost.Core.Network
{
    /// <summary>A socket waiting for connections (TCP) or datagrams (UDP) on this machine.</summary>
    public sealed class ListeningSocket
    {
        internal ListeningSocket(string protocol, IPAddress address, int port, long inode)
        {
            Protocol = protocol;
            Address = address;
            Port = port;
            Inode = inode;
        }

        /// <summary><c>tcp</c> or <c>udp</c>.</summary>
        public string Protocol { get; }

        public IPAddress Address { get; }

        public int Port { get; }

        internal long Inode { get; }

        /// <summary>The owning process, when it could be found (other users' processes need root).</summary>
        public int? ProcessId { get; internal set; }

        public string? ProcessName { get; internal set; }

        /// <summary>True when bound to 0.0.0.0 or ::, so every interface receives.</summary>
        public bool AllInterfaces => Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any);

        public bool LoopbackOnly => IPAddress.IsLoopback(Address);

        public string Owner => ProcessId == null
            ? "an unidentified process"
            : $"{ProcessName} (pid {ProcessId})";

        public override string ToString() => $"{Protocol} {Address}:{Port} {Owner}";
    }

    /// <summary>
    /// The sockets listening on this machine and their processes. On Linux it reads
    /// <c>/proc/net/{tcp,tcp6,udp,udp6}</c> and maps socket inodes to processes through
    /// <c>/proc/&lt;pid&gt;/fd</c>; elsewhere it lists the listeners without their processes.
    /// </summary>
    public static class SocketTable
    {
        private const string TcpListenState = "0A";
        private const string UdpUnconnectedState = "07";

        public static IReadOnlyList<ListeningSocket> Read()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || !File.Exists("/proc/net/tcp"))
            {
                return ReadPortable();
            }

            var sockets = new List<ListeningSocket>();
            sockets.AddRange(ParseProcNet(ReadOrEmpty("/proc/net/tcp"), "tcp"));
            sockets.AddRange(ParseProcNet(ReadOrEmpty("/proc/net/tcp6"), "tcp"));
            sockets.AddRange(ParseProcNet(ReadOrEmpty("/proc/net/udp"), "udp"));
            sockets.AddRange(ParseProcNet(ReadOrEmpty("/proc/net/udp6"), "udp"));
            AttachProcesses(sockets);
            return sockets;
        }

        /// <summary>The sockets on one port and protocol.</summary>
        public static IReadOnlyList<ListeningSocket> On(
            IEnumerable<ListeningSocket> sockets,
            int port,
            string protocol)
        {
            return sockets.Where(s => s.Port == port && s.Protocol == protocol).ToList();
        }

        /// <summary>Parses one /proc/net table: listening TCP, and bound but unconnected UDP sockets.</summary>
        internal static IEnumerable<ListeningSocket> ParseProcNet(string table, string protocol)
        {
            string wanted = protocol == "tcp" ? TcpListenState : UdpUnconnectedState;
            foreach (string line in table.Split('\n').Skip(1))
            {
                string[] fields = line.Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 10 || fields[3] != wanted)
                {
                    continue;
                }

                string[] local = fields[1].Split(':');
                long inode = 0;
                bool valid = local.Length == 2
                    && long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out inode);
                if (!valid)
                {
                    continue;
                }

                int port = int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                yield return new ListeningSocket(protocol, ParseHexAddress(local[0]), port, inode);
            }
        }

        /// <summary>
        /// Decodes the kernel's hex address: 32-bit words in host (little-endian) order, one word
        /// for IPv4 and four for IPv6.
        /// </summary>
        internal static IPAddress ParseHexAddress(string hex)
        {
            var bytes = new byte[hex.Length / 2];
            for (int word = 0; word < bytes.Length / 4; word++)
            {
                for (int i = 0; i < 4; i++)
                {
                    string pair = hex.Substring(word * 8 + (3 - i) * 2, 2);
                    bytes[(word * 4) + i] = byte.Parse(
                        pair, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }

            var address = new IPAddress(bytes);
            return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        }

        private static void AttachProcesses(List<ListeningSocket> sockets)
        {
            var byInode = sockets
                .Where(s => s.Inode != 0)
                .GroupBy(s => s.Inode)
                .ToDictionary(g => g.Key, g => g.ToList());
            if (byInode.Count == 0)
            {
                return;
            }

            foreach (string processDirectory in SafeEnumerate("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(processDirectory), out int pid))
                {
                    continue;
                }

                foreach (string descriptor in SafeEnumerate(Path.Combine(processDirectory, "fd")))
                {
                    long? inode = SocketInode(ReadLink(descriptor));
                    if (inode != null && byInode.TryGetValue(inode.Value, out List<ListeningSocket>? owned))
                    {
                        string name = ProcessName(processDirectory);
                        owned.ForEach(socket =>
                        {
                            socket.ProcessId = pid;
                            socket.ProcessName = name;
                        });
                    }
                }
            }
        }

        /// <summary>
        /// The program's file name from its command line; <c>comm</c> is cut at 15 characters
        /// ("fabstir-llm-nod") and so only a fallback.
        /// </summary>
        private static string ProcessName(string processDirectory)
        {
            string program = ReadOrEmpty(Path.Combine(processDirectory, "cmdline")).Split('\0')[0];
            return program.Length > 0
                ? Path.GetFileName(program)
                : ReadOrEmpty(Path.Combine(processDirectory, "comm")).Trim();
        }

        internal static long? SocketInode(string? link)
        {
            const string prefix = "socket:[";
            bool isSocket = link != null
                && link.StartsWith(prefix, StringComparison.Ordinal)
                && link.EndsWith("]", StringComparison.Ordinal);
            if (!isSocket)
            {
                return null;
            }

            string number = link!.Substring(prefix.Length, link.Length - prefix.Length - 1);
            return long.TryParse(number, out long inode) ? inode : (long?)null;
        }

        private static IReadOnlyList<ListeningSocket> ReadPortable()
        {
            IPGlobalProperties properties = IPGlobalProperties.GetIPGlobalProperties();
            var tcp = properties.GetActiveTcpListeners()
                .Select(e => new ListeningSocket("tcp", e.Address, e.Port, 0));
            var udp = properties.GetActiveUdpListeners()
                .Select(e => new ListeningSocket("udp", e.Address, e.Port, 0));
            return tcp.Concat(udp)
                .ToList();
        }

        private static IEnumerable<string> SafeEnumerate(string directory)
        {
            try
            {
                return Directory.GetFileSystemEntries(directory);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                // Processes come and go, and other users' descriptors are closed to non-root readers.
                return Array.Empty<string>();
            }
        }

        private static string ReadOrEmpty(string path)
        {
            try
            {
                return File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                return string.Empty;
            }
        }

        private static string? ReadLink(string path)
        {
            var buffer = new byte[256];
            long length = NativeMethods.readlink(path, buffer, (IntPtr)buffer.Length).ToInt64();
            return length <= 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)length);
        }

        private static class NativeMethods
        {
            [DllImport("libc", SetLastError = true)]
            internal static extern IntPtr readlink(string path, byte[] buffer, IntPtr size);
        }
    }
}
