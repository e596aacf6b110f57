using System.Collections.Concurrent;
using FabstirHost.Core;

namespace FabstirHost.Tests.Infrastructure
{
    /// <summary>An operation log that keeps everything, for assertions.</summary>
    public sealed class CollectingLog : IOperationLog
    {
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly ConcurrentQueue<OperationProgress> _progress = new();

        public IReadOnlyList<string> Lines => _lines.ToArray();

        public IReadOnlyList<OperationProgress> ProgressRecords => _progress.ToArray();

        public string All => string.Join("\n", _lines);

        public void Verbose(string message) => _lines.Enqueue("VERBOSE: " + message);

        public void Debug(string message) => _lines.Enqueue("DEBUG: " + message);

        public void Warning(string message) => _lines.Enqueue("WARNING: " + message);

        public void Progress(OperationProgress progress) => _progress.Enqueue(progress);
    }
}
