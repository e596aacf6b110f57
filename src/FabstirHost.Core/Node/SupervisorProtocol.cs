using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using FabstirHost.Core.Config;
using Newtonsoft.Json;

namespace FabstirHost.Core.Node
{
    /// <summary>
    /// What the launching command tells the supervisor, as the first line of its stdin. The second
    /// line is the private key (empty when there is none); nothing secret is in this object.
    /// </summary>
    public sealed class SupervisorSettings
    {
        public string Home { get; set; } = string.Empty;

        public Dictionary<string, string> Environment { get; set; } = new Dictionary<string, string>();

        public NodeSettings Node { get; set; } = new NodeSettings();

        public int MaxRestarts { get; set; }

        public int RestartDelayMs { get; set; }

        public int StableAfterMs { get; set; }

        public long LogMaxBytes { get; set; }

        public int LogFiles { get; set; }
    }

    /// <summary>The kinds of events the supervisor reports on its stdout while it is watched.</summary>
    public static class SupervisorEvents
    {
        public const string Spawned = "spawned";
        public const string Phase = "phase";
        public const string Ready = "ready";
        public const string ModelLoadFailed = "modelLoadFailed";
        public const string Exited = "exited";
        public const string Failed = "failed";

        /// <summary>The node binary could not be run at all (the message is the system's reason).</summary>
        public const string SpawnFailed = "spawnFailed";
    }

    /// <summary>One line of the supervisor's report stream.</summary>
    public sealed class SupervisorEvent
    {
        public string Event { get; set; } = string.Empty;

        public int? Pid { get; set; }

        public NodePhase? Phase { get; set; }

        public int? ExitCode { get; set; }

        public string? Line { get; set; }

        public string? Message { get; set; }

        public List<string>? LastLines { get; set; }

        public static SupervisorEvent? TryParse(string line)
        {
            if (!line.StartsWith("{\"event\"", StringComparison.Ordinal))
            {
                return null;
            }

            try
            {
                return JsonConvert.DeserializeObject<SupervisorEvent>(line, JsonSettings.Compact);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        public string ToJson() => JsonConvert.SerializeObject(this, JsonSettings.Compact);
    }

    /// <summary>
    /// Writes events to the supervisor's stdout. Once the launching command has gone, the pipe is
    /// broken; from then on events are dropped silently.
    /// </summary>
    internal sealed class SupervisorEventWriter
    {
        private static readonly UTF8Encoding Utf8NoBom = new UTF8Encoding(false);

        private readonly object _gate = new object();
        private readonly Stream _output;
        private bool _broken;

        public SupervisorEventWriter(Stream output)
        {
            _output = output;
        }

        public void Send(SupervisorEvent value)
        {
            lock (_gate)
            {
                if (_broken)
                {
                    return;
                }

                try
                {
                    byte[] bytes = Utf8NoBom.GetBytes(value.ToJson() + "\n");
                    _output.Write(bytes, 0, bytes.Length);
                    _output.Flush();
                }
                catch (IOException)
                {
                    _broken = true;
                }
                catch (ObjectDisposedException)
                {
                    _broken = true;
                }
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _broken = true;
            }
        }
    }
}
