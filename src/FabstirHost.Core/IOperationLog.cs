namespace FabstirHost.Core
{
    /// <summary>
    /// Where core operations report what they do. The cmdlet layer queues these calls and replays
    /// them on the pipeline thread; tests can collect them directly. Implementations must be
    /// thread-safe because process and HTTP callbacks report from pool threads.
    /// </summary>
    public interface IOperationLog
    {
        void Verbose(string message);

        void Debug(string message);

        void Warning(string message);

        void Progress(OperationProgress progress);
    }

    /// <summary>One step of a long-running operation, for a progress bar.</summary>
    public sealed class OperationProgress
    {
        public OperationProgress(string activity, string status, int percentComplete = -1, bool completed = false)
        {
            Activity = activity;
            Status = status;
            PercentComplete = percentComplete;
            Completed = completed;
        }

        public string Activity { get; }

        public string Status { get; }

        public int PercentComplete { get; }

        public bool Completed { get; }
    }

    /// <summary>A log that drops everything, for callers that do not listen.</summary>
    public sealed class NullOperationLog : IOperationLog
    {
        public static readonly NullOperationLog Instance = new NullOperationLog();

        public void Verbose(string message)
        {
        }

        public void Debug(string message)
        {
        }

        public void Warning(string message)
        {
        }

        public void Progress(OperationProgress progress)
        {
        }
    }
}
