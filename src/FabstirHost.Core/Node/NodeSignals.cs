using System;
using System.Diagnostics;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// Signals for stopping processes. The node handles only SIGINT gracefully; SIGTERM kills it
    /// at once; SIGKILL is the last resort. Windows has no SIGINT for a process without a console
    /// of ours, so there the process is killed.
    /// </summary>
    internal static class NodeSignals
    {
        /// <summary>Sends a signal; false when the process is already gone.</summary>
        internal static bool Send(int pid, int signal)
        {
            if (UnixNative.IsWindows)
            {
                if (signal != UnixNative.SIGKILL && signal != UnixNative.SIGTERM)
                {
                    return true;
                }

                try
                {
                    using (Process process = Process.GetProcessById(pid))
                    {
                        process.Kill();
                    }

                    return true;
                }
                catch (ArgumentException)
                {
                    return false;
                }
                catch (InvalidOperationException)
                {
                    return false;
                }
            }

            return UnixNative.kill(pid, signal) == 0;
        }

        /// <summary>Stops a child process: SIGINT, then SIGKILL after the grace period.</summary>
        internal static void StopChild(Process child, TimeSpan grace)
        {
            try
            {
                if (child.HasExited)
                {
                    return;
                }

                Send(child.Id, UnixNative.SIGINT);
                if (!child.WaitForExit((int)grace.TotalMilliseconds))
                {
                    Send(child.Id, UnixNative.SIGKILL);
                }
            }
            catch (InvalidOperationException)
            {
                // The process had already been reaped.
            }
        }
    }
}
