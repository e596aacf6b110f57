using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// The processes of a supervisor's session. The supervisor calls setsid(), so the node and
    /// everything the node starts (a wrapper script's child, a child re-parented to init) carry
    /// the supervisor's id as their session id. Stopping the node means stopping all of them:
    /// a node run through a wrapper is the wrapper's child, not the process the supervisor started.
    /// </summary>
    internal static class NodeSession
    {
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

        /// <summary>Sessions are read from /proc, so only Linux knows them.</summary>
        internal static bool Supported => RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

        /// <summary>The session id of this process when it leads a session of its own, else null.</summary>
        internal static int? OwnSession(int pid)
        {
            if (!Supported)
            {
                return null;
            }

            ProcessIdentity.LinuxStat? stat = ProcessIdentity.ReadLinuxStat(pid);
            return stat != null && stat.Value.Session == pid ? pid : (int?)null;
        }

        /// <summary>
        /// The live processes of the session led by <paramref name="sessionId"/>, the leader itself
        /// excepted. Only processes that started no earlier than the leader count, and none at all
        /// when the leader's id now names another process: the kernel keeps a session's id from
        /// being reused while any member lives, so a different process under that id means the
        /// recorded session is over and a new one, not ours, took the number.
        /// </summary>
        internal static IReadOnlyList<int> Members(int? sessionId, string? leaderStartToken)
        {
            var members = new List<int>();
            if (!Supported || sessionId == null || sessionId <= 1
                || !long.TryParse(leaderStartToken, NumberStyles.Integer, CultureInfo.InvariantCulture, out long leaderStart)
                || ProcessIdentity.Check(sessionId.Value, leaderStartToken) == ProcessLiveness.Reused)
            {
                return members;
            }

            string[] entries;
            try
            {
                entries = Directory.GetDirectories("/proc");
            }
            catch (IOException)
            {
                return members;
            }

            foreach (string entry in entries)
            {
                if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                    || pid == sessionId.Value)
                {
                    continue;
                }

                ProcessIdentity.LinuxStat? stat = ProcessIdentity.ReadLinuxStat(pid);
                if (stat == null || stat.Value.Session != sessionId.Value || stat.Value.State == "Z"
                    || !long.TryParse(stat.Value.StartTicks, NumberStyles.Integer, CultureInfo.InvariantCulture,
                        out long started)
                    || started < leaderStart)
                {
                    continue;
                }

                members.Add(pid);
            }

            return members;
        }

        /// <summary>
        /// Stops every member of the session (the leader excepted): SIGINT to all of them, so that a
        /// node behind a wrapper still shuts down gracefully, then SIGTERM to those left once
        /// <paramref name="interruptFor"/> has passed, then SIGKILL once <paramref name="terminateFor"/>
        /// has. Returns the members still alive at the end (none, unless SIGKILL did not work).
        /// </summary>
        internal static async Task<IReadOnlyList<int>> StopAsync(
            int? sessionId,
            string? leaderStartToken,
            TimeSpan interruptFor,
            TimeSpan terminateFor,
            TimeSpan killGrace,
            Action<string> verbose,
            CancellationToken cancel)
        {
            DateTime started = DateTime.UtcNow;
            var steps = new[]
            {
                (Signal: UnixNative.SIGINT, Name: "SIGINT", Until: interruptFor),
                (Signal: UnixNative.SIGTERM, Name: "SIGTERM", Until: terminateFor),
                (Signal: UnixNative.SIGKILL, Name: "SIGKILL", Until: terminateFor + killGrace),
            };
            IReadOnlyList<int> left = Members(sessionId, leaderStartToken);
            foreach (var step in steps)
            {
                if (left.Count == 0)
                {
                    return left;
                }

                verbose($"Sending {step.Name} to the processes of the node's session ({Describe(left)}).");
                foreach (int pid in left)
                {
                    NodeSignals.Send(pid, step.Signal);
                }

                left = await GoneWithinAsync(sessionId, leaderStartToken, started + step.Until, cancel)
                    .ConfigureAwait(false);
            }

            return left;
        }

        /// <summary>Process ids with their command names, e.g. <c>4242 (fabstir-llm-node)</c>.</summary>
        internal static string Describe(IEnumerable<int> pids)
        {
            return string.Join(", ", pids.Select(pid =>
            {
                string? name = CommandName(pid);
                return name == null ? pid.ToString(CultureInfo.InvariantCulture) : $"{pid} ({name})";
            }));
        }

        private static string? CommandName(int pid)
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/comm").Trim();
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
        }

        private static async Task<IReadOnlyList<int>> GoneWithinAsync(
            int? sessionId, string? leaderStartToken, DateTime until, CancellationToken cancel)
        {
            while (true)
            {
                IReadOnlyList<int> left = Members(sessionId, leaderStartToken);
                if (left.Count == 0 || DateTime.UtcNow >= until)
                {
                    return left;
                }

                await Task.Delay(PollInterval, cancel).ConfigureAwait(false);
            }
        }
    }
}
