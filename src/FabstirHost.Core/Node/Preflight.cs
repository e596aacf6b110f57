using System;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Linq;
using FabstirHost.Core.Network;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// The checks made before anything is spawned: a runnable binary, a GGUF model, free ports.
    /// Each failure says what was found and what to do.
    /// </summary>
    public static class Preflight
    {
        private static readonly byte[] GgufMagic = { (byte)'G', (byte)'G', (byte)'U', (byte)'F' };

        public static void CheckBinary(string? nodePath)
        {
            if (nodePath == null)
            {
                throw new FabstirException(
                    "NodeBinaryNotFound",
                    FabstirErrorCategory.NotInstalled,
                    "The node binary 'fabstir-llm-node' was not found: no -NodePath was given, FABSTIR_NODE_PATH " +
                    "is not set, no NodePath is configured and it is not on the PATH. Give its path with -NodePath.",
                    "fabstir-llm-node");
            }

            if (Directory.Exists(nodePath))
            {
                throw new FabstirException(
                    "NodeBinaryNotFound",
                    FabstirErrorCategory.ObjectNotFound,
                    $"The node binary path '{nodePath}' is a folder, not a program. Give the path of the " +
                    "fabstir-llm-node file itself with -NodePath.",
                    nodePath);
            }

            if (!File.Exists(nodePath))
            {
                throw new FabstirException(
                    "NodeBinaryNotFound",
                    FabstirErrorCategory.ObjectNotFound,
                    $"The node binary '{nodePath}' does not exist. Check the path given with -NodePath, " +
                    "FABSTIR_NODE_PATH or the saved configuration.",
                    nodePath);
            }

            if (!UnixNative.IsWindows && UnixNative.access(nodePath, UnixNative.X_OK) != 0)
            {
                throw new FabstirException(
                    "NodeBinaryNotExecutable",
                    FabstirErrorCategory.PermissionDenied,
                    $"The node binary '{nodePath}' is not executable by this user. Run 'chmod +x {nodePath}'.",
                    nodePath);
            }
        }

        public static void CheckModel(string modelPath)
        {
            if (Directory.Exists(modelPath))
            {
                throw Models.ModelFile.FolderError(modelPath, "-ModelPath");
            }

            if (!File.Exists(modelPath))
            {
                throw new FabstirException(
                    "ModelFileNotFound",
                    FabstirErrorCategory.ObjectNotFound,
                    $"The model file '{modelPath}' does not exist. Give the path of a GGUF model file with -ModelPath.",
                    modelPath);
            }

            var head = new byte[4];
            int read;
            using (var stream = new FileStream(modelPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                read = stream.Read(head, 0, head.Length);
            }

            if (read < 4 || head[0] != GgufMagic[0] || head[1] != GgufMagic[1] || head[2] != GgufMagic[2]
                || head[3] != GgufMagic[3])
            {
                throw new FabstirException(
                    "ModelFileNotGguf",
                    FabstirErrorCategory.InvalidData,
                    $"The model file '{modelPath}' is not a GGUF file (it does not start with 'GGUF'). " +
                    "The node loads GGUF models only; check that the download is complete and the right file.",
                    modelPath);
            }
        }

        /// <summary>The API port (TCP), and the P2P ports P and P+1 (TCP) and P+2 (UDP, QUIC).</summary>
        public static void CheckPorts(int apiPort, int p2pPort)
        {
            CheckPortNumber(apiPort, "API");
            CheckP2PRange(p2pPort);
            if (!TcpFree(apiPort))
            {
                throw PortInUse("ApiPortInUse", apiPort, "TCP", "the API port", "-Port");
            }

            if (!TcpFree(p2pPort))
            {
                throw PortInUse("P2PPortInUse", p2pPort, "TCP", "the first P2P port", "-P2PPort");
            }

            if (!TcpFree(p2pPort + 1))
            {
                throw PortInUse("P2PPortInUse", p2pPort + 1, "TCP", "the second P2P port (P2P port + 1)", "-P2PPort");
            }

            if (!UdpFree(p2pPort + 2))
            {
                throw PortInUse("P2PPortInUse", p2pPort + 2, "UDP", "the QUIC port (P2P port + 2)", "-P2PPort");
            }
        }

        private static void CheckPortNumber(int port, string what)
        {
            if (port < 1 || port > 65535)
            {
                throw new FabstirException(
                    "PortOutOfRange",
                    FabstirErrorCategory.InvalidArgument,
                    $"The {what} port {port} is outside 1-65535.",
                    port);
            }
        }

        private static void CheckP2PRange(int p2pPort)
        {
            if (p2pPort >= 1 && p2pPort + 2 <= 65535)
            {
                return;
            }

            throw new FabstirException(
                "PortOutOfRange",
                FabstirErrorCategory.InvalidArgument,
                $"The P2P port {p2pPort} does not leave room for the ports the node opens with it ({p2pPort}, " +
                $"{p2pPort + 1} and {p2pPort + 2}; ports end at 65535). It defaults to the API port + 1: give " +
                "-P2PPort 65533 or lower, or a lower -Port.",
                p2pPort);
        }

        private static FabstirException PortInUse(
            string errorId, int port, string protocol, string what, string parameter)
        {
            string holder = "Stop whatever holds it (see 'ss -ltnup')";
            try
            {
                ListeningSocket? owner = SocketTable.On(SocketTable.Read(), port, protocol.ToLowerInvariant())
                    .FirstOrDefault(s => s.ProcessId != null);
                if (owner != null)
                {
                    holder = $"It is held by {owner.Owner}: stop that";
                }
            }
            catch (IOException)
            {
                // Naming the holder is a courtesy; the advice below still stands.
            }
            catch (UnauthorizedAccessException)
            {
            }

            return new FabstirException(
                errorId,
                FabstirErrorCategory.ResourceUnavailable,
                $"Port {port}/{protocol}, {what} of the node, is already in use on this machine. " +
                $"{holder} or choose another port with {parameter}.",
                port);
        }

        private static bool TcpFree(int port)
        {
            var listener = new TcpListener(IPAddress.Any, port);
            try
            {
                listener.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
            finally
            {
                listener.Stop();
            }
        }

        private static bool UdpFree(int port)
        {
            try
            {
                using (new UdpClient(new IPEndPoint(IPAddress.Any, port)))
                {
                    return true;
                }
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }
}
