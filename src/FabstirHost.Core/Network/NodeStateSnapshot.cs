using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using FabstirHost.Core.Config;
using FabstirHost.Core.Node;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace FabstirHost.Core.Network
{
    /// <summary>
    /// The few facts the diagnostics need from the node's state file (<c>node/state.json</c>), read
    /// loosely: the file belongs to the node lifecycle code, so several spellings of each field are
    /// accepted and anything unknown is ignored rather than rejected.
    /// </summary>
    public sealed class NodeStateSnapshot
    {
        public const string DamagedErrorId = "NodeStateFileDamaged";

        private static readonly string[] PidNames = { "nodePid", "nodeProcessId", "pid", "processId" };
        private static readonly string[] StartNames =
        {
            "nodeStartTime", "nodeStartedAt", "nodeProcessStartTime", "startTime",
        };

        private static readonly string[] RestartNames = { "restartCount", "restarts" };

        public int? NodeProcessId { get; private set; }

        /// <summary>When the node process started (UTC), as recorded; used to tell a reused PID.</summary>
        public DateTime? NodeStartTime { get; private set; }

        /// <summary>
        /// The process's start as the node lifecycle records it (on Linux, the start field of
        /// <c>/proc/&lt;pid&gt;/stat</c> in clock ticks; elsewhere the UTC start time in ticks).
        /// </summary>
        public string? NodeStartToken { get; private set; }

        public int? RestartCount { get; private set; }

        public string? Status { get; private set; }

        public int? LastExitCode { get; private set; }

        public string Path { get; private set; } = string.Empty;

        /// <summary>Reads the state file, or returns null when there is none.</summary>
        public static NodeStateSnapshot? TryRead(FabstirPaths paths)
        {
            string path = paths.StateFile;
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                return null;
            }

            JObject state;
            try
            {
                state = JObject.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new FabstirException(
                    DamagedErrorId,
                    FabstirErrorCategory.InvalidData,
                    $"The node state file '{path}' is damaged: {ex.Message}",
                    path,
                    ex);
            }

            JObject node = state["node"] as JObject ?? new JObject();
            return new NodeStateSnapshot
            {
                Path = path,
                NodeProcessId = Integer(state, PidNames) ?? Integer(node, PidNames),
                NodeStartTime = Time(state, StartNames) ?? Time(node, StartNames),
                NodeStartToken = (string?)(state["nodeStartToken"] as JValue),
                RestartCount = Integer(state, RestartNames),
                Status = (string?)(state["status"] as JValue),
                LastExitCode = Integer(state, new[] { "lastExitCode", "exitCode" }),
            };
        }

        /// <summary>
        /// Whether the recorded process still runs and is the same process: a PID is reused by the
        /// system, so its start must match as well: the start token exactly when there is one, else
        /// the start time within a second (clocks are read twice).
        /// </summary>
        public NodeProcessCheck CheckProcess()
        {
            if (NodeProcessId == null)
            {
                return new NodeProcessCheck(false, null, null, "the state file names no node process");
            }

            Process process;
            try
            {
                process = Process.GetProcessById(NodeProcessId.Value);
            }
            catch (ArgumentException)
            {
                return new NodeProcessCheck(false, null, null, $"process {NodeProcessId} is not running");
            }

            using (process)
            {
                DateTime started;
                string name;
                try
                {
                    started = process.StartTime.ToUniversalTime();
                    name = process.ProcessName;
                }
                catch (Exception ex) when (ex is InvalidOperationException || ex is Win32Exception)
                {
                    string gone = $"process {NodeProcessId} exited while being checked";
                    return new NodeProcessCheck(false, null, null, gone);
                }

                if (!StartMatches(NodeProcessId.Value, started))
                {
                    return new NodeProcessCheck(false, name, started,
                        $"process {NodeProcessId} is now '{name}', started {started:u}, not the node " +
                        "recorded in the state file: the node is gone and its id was reused");
                }

                return new NodeProcessCheck(true, name, started, null);
            }
        }

        private bool StartMatches(int pid, DateTime started)
        {
            if (NodeStartToken != null)
            {
                return NodeStartToken == ProcessIdentity.StartToken(pid);
            }

            return NodeStartTime == null || Math.Abs((started - NodeStartTime.Value).TotalSeconds) <= 1;
        }

        private static int? Integer(JObject source, string[] names)
        {
            JToken? token = names
                .Select(name => source[name])
                .FirstOrDefault(t => t != null && t.Type == JTokenType.Integer);
            return token == null ? (int?)null : token.Value<int>();
        }

        private static DateTime? Time(JObject source, string[] names)
        {
            foreach (JToken? token in names.Select(name => source[name]).Where(t => t != null))
            {
                if (token!.Type == JTokenType.Date)
                {
                    return token.Value<DateTime>().ToUniversalTime();
                }

                const DateTimeStyles utc = DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal;
                if (token.Type == JTokenType.String
                    && DateTime.TryParse((string?)token, CultureInfo.InvariantCulture, utc, out DateTime at))
                {
                    return at;
                }
            }

            return null;
        }
    }

    /// <summary>What checking a recorded process id found.</summary>
    public sealed class NodeProcessCheck
    {
        public NodeProcessCheck(bool isNode, string? name, DateTime? startTime, string? problem)
        {
            IsNode = isNode;
            Name = name;
            StartTime = startTime;
            Problem = problem;
        }

        /// <summary>True when the process runs and its start time matches the state file.</summary>
        public bool IsNode { get; }

        public string? Name { get; }

        public DateTime? StartTime { get; }

        public string? Problem { get; }
    }
}
