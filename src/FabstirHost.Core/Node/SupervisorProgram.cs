using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using Newtonsoft.Json;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// The entry point of the supervisor process, a PowerShell started by Start-FabstirNode that
    /// loads this assembly and calls <see cref="Run"/>. Not meant to be called by users.
    /// </summary>
    public static class SupervisorProgram
    {
        public const string DetachCommand = "detach";
        public const string AbortCommand = "abort";

        /// <summary>
        /// Reads the settings and the key from stdin, then supervises the node until it stops.
        /// Until the launching command sends "detach", an "abort" or the end of stdin (the command
        /// was interrupted or killed) stops the node. The home is named on the command line so that
        /// a process list tells supervisors apart; settings for another home are refused, so that
        /// the command line never misleads.
        /// </summary>
        public static int Run(string? home)
        {
            // A session of its own: the terminal's Ctrl+C and hang-up no longer reach it.
            if (!UnixNative.IsWindows)
            {
                UnixNative.setsid();
            }

            var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            var events = new SupervisorEventWriter(Console.OpenStandardOutput());
            string? settingsLine = input.ReadLine();
            string? key = input.ReadLine();
            SupervisorSettings? settings = settingsLine == null
                ? null
                : JsonConvert.DeserializeObject<SupervisorSettings>(settingsLine, JsonSettings.Compact);
            if (settings == null)
            {
                events.Send(new SupervisorEvent { Event = SupervisorEvents.Failed, Message = "no settings on stdin" });
                return 2;
            }

            if (home != null && !string.Equals(home, settings.Home, StringComparison.Ordinal))
            {
                events.Send(new SupervisorEvent
                {
                    Event = SupervisorEvents.Failed,
                    Message = $"the settings are for the home '{settings.Home}', not '{home}' as its command line says",
                });
                return 2;
            }

            var supervisor = new NodeSupervisor(settings, key, events);
            key = null;
            var control = new Thread(() => ReadControl(input, supervisor.Abort, events.Stop)) { IsBackground = true };
            control.Start();
            return supervisor.RunAsync().GetAwaiter().GetResult();
        }

        /// <summary>
        /// Waits for the launching command's word: "detach" leaves the node running; anything else,
        /// the end of stdin or a failure to read it stops the node, since nobody would be left to
        /// report to or to stop it.
        /// </summary>
        internal static void ReadControl(TextReader input, Action abort, Action detach)
        {
            string? command;
            try
            {
                command = input.ReadLine();
            }
            catch (Exception)
            {
                // Whatever broke the pipe, the launcher can no longer be heard: treat it as gone.
                command = null;
            }

            if (command == DetachCommand)
            {
                // From now on nobody listens; events would only meet a broken pipe.
                detach();
                return;
            }

            abort();
        }
    }
}
