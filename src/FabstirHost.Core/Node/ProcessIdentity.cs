using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;

namespace FabstirHost.Core.Node
{
    /// <summary>What became of a process recorded earlier.</summary>
    public enum ProcessLiveness
    {
        /// <summary>No process has that id.</summary>
        Gone,

        /// <summary>The same process, by id and start time.</summary>
        Alive,

        /// <summary>The id now belongs to a different process; it must not be signalled.</summary>
        Reused,
    }

    /// <summary>
    /// A process id together with the process's start time, so that a recorded id is acted on only
    /// while it still names the same process (ids are reused). On Linux the start time is field 22
    /// of <c>/proc/&lt;pid&gt;/stat</c>, in clock ticks since boot; elsewhere the runtime's start time.
    /// </summary>
    public static class ProcessIdentity
    {
        /// <summary>The start time token of a running process, or null when there is none.</summary>
        public static string? StartToken(int pid)
        {
            if (pid <= 0)
            {
                return null;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                return LinuxStartTicks(pid);
            }

            try
            {
                using (var process = Process.GetProcessById(pid))
                {
                    return process.StartTime.ToUniversalTime().Ticks.ToString(CultureInfo.InvariantCulture);
                }
            }
            catch (ArgumentException)
            {
                return null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        public static ProcessLiveness Check(int pid, string? startToken)
        {
            string? current = StartToken(pid);
            if (current == null)
            {
                return ProcessLiveness.Gone;
            }

            return string.Equals(current, startToken, StringComparison.Ordinal)
                ? ProcessLiveness.Alive
                : ProcessLiveness.Reused;
        }

        /// <summary>The wall-clock start time of a process, for display; null when unknown.</summary>
        public static DateTime? StartTimeUtc(int pid)
        {
            try
            {
                using (var process = Process.GetProcessById(pid))
                {
                    return process.StartTime.ToUniversalTime();
                }
            }
            catch (ArgumentException)
            {
                return null;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
        }

        private static string? LinuxStartTicks(int pid)
        {
            LinuxStat? stat = ReadLinuxStat(pid);

            // A zombie has exited: it is gone for every purpose here.
            return stat == null || stat.Value.State == "Z" ? null : stat.Value.StartTicks;
        }

        /// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> the module uses; null when there is no such process.</summary>
        internal static LinuxStat? ReadLinuxStat(int pid)
        {
            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }

            // The command name (field 2) is in parentheses and may hold spaces or ')'; the fields
            // after the last ')' start at field 3 (state), so the session (field 6) is the 4th of
            // them and the start time (field 22) the 20th.
            int close = stat.LastIndexOf(')');
            if (close < 0 || close + 2 > stat.Length)
            {
                return null;
            }

            string[] fields = stat.Substring(close + 2).Split(' ');
            if (fields.Length < 20
                || !int.TryParse(fields[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out int session))
            {
                return null;
            }

            return new LinuxStat(fields[0], session, fields[19]);
        }

        internal readonly struct LinuxStat
        {
            public LinuxStat(string state, int session, string startTicks)
            {
                State = state;
                Session = session;
                StartTicks = startTicks;
            }

            public string State { get; }

            public int Session { get; }

            public string StartTicks { get; }
        }
    }
}
