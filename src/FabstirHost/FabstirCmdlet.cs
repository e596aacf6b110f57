using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core;
using FabstirHost.Core.Config;

namespace FabstirHost
{
    /// <summary>
    /// Base of every FabstirHost cmdlet. It owns the cancellation of one run (Ctrl+C cancels it),
    /// runs core operations off the pipeline thread, and replays what they report (verbose,
    /// warnings, progress) on the pipeline thread, the only thread allowed to write.
    /// </summary>
    public abstract class FabstirCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly ConcurrentQueue<Action> _pendingWrites = new ConcurrentQueue<Action>();
        private readonly AutoResetEvent _writesPending = new AutoResetEvent(false);
        private FabstirPaths? _paths;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline is stopped.</summary>
        protected CancellationToken Cancellation => _stopping.Token;

        /// <summary>The home folder of this instance (<c>FABSTIR_HOME</c> or <c>~/.fabstir</c>).</summary>
        protected FabstirPaths Paths => _paths ??= FabstirPaths.Default(CurrentDirectory);

        /// <summary>The session's file system location, against which relative paths are read.</summary>
        protected string CurrentDirectory => SessionState.Path.CurrentFileSystemLocation.ProviderPath;

        /// <summary>A log for core operations that is safe to call from any thread.</summary>
        protected IOperationLog Log => new QueuedLog(this);

        protected override void StopProcessing()
        {
            _stopping.Cancel();
            _writesPending.Set();
        }

        /// <summary>
        /// Runs an asynchronous core operation and pumps its queued writes until it finishes.
        /// A <see cref="FabstirException"/> becomes a terminating error with its own ErrorId.
        /// </summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> operation)
        {
            Task<T> task = Task.Run(() => operation(Cancellation));

            // Wake the pump as soon as the operation ends, not at the next poll.
            task.ContinueWith(_ => _writesPending.Set(), TaskScheduler.Default);
            while (!task.IsCompleted)
            {
                _writesPending.WaitOne(100);
                DrainWrites();
            }

            DrainWrites();
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (FabstirException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex));
                throw; // unreachable: ThrowTerminatingError always throws
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        protected void Run(Func<CancellationToken, Task> operation)
        {
            Run<bool>(async token =>
            {
                await operation(token).ConfigureAwait(false);
                return true;
            });
        }

        /// <summary>Runs a synchronous core call, turning its FabstirException into an ErrorRecord.</summary>
        protected T Invoke<T>(Func<T> operation)
        {
            try
            {
                return operation();
            }
            catch (FabstirException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex));
                throw;
            }
        }

        /// <summary>
        /// The value of an address parameter, unchanged, or the terminating error InvalidAddress
        /// saying what an address looks like (and never repeating a private key given by mistake).
        /// </summary>
        protected string? CheckAddress(string? value, string parameterName)
        {
            if (value != null)
            {
                Invoke(() => Core.Chain.Addresses.Validate(value, $"-{parameterName}"));
            }

            return value;
        }

        /// <summary>
        /// For an address that comes from the pipeline: false, after a non-terminating
        /// InvalidAddress, when it is malformed, so one bad item does not end the pipeline.
        /// </summary>
        protected bool IsValidPipedAddress(string? value, string parameterName)
        {
            try
            {
                if (value != null)
                {
                    Core.Chain.Addresses.Validate(value, $"-{parameterName}");
                }

                return true;
            }
            catch (FabstirException ex)
            {
                WriteFabstirError(ex);
                return false;
            }
        }

        protected void WriteFabstirError(FabstirException exception)
        {
            WriteError(ToErrorRecord(exception));
        }

        protected void ThrowFabstirError(FabstirException exception)
        {
            ThrowTerminatingError(ToErrorRecord(exception));
        }

        public static ErrorRecord ToErrorRecord(FabstirException exception)
        {
            if (!Enum.TryParse(exception.Category.ToString(), out ErrorCategory category))
            {
                category = ErrorCategory.NotSpecified;
            }

            var record = new ErrorRecord(exception, exception.ErrorId, category, exception.Target);
            if (exception.RecommendedAction != null)
            {
                record.ErrorDetails = new ErrorDetails(exception.Message)
                {
                    RecommendedAction = exception.RecommendedAction,
                };
            }

            return record;
        }

        /// <summary>Queues a write (WriteObject, WriteVerbose, ...) from any thread for the pipeline thread.</summary>
        protected void Post(Action write)
        {
            Enqueue(write);
        }

        private void Enqueue(Action write)
        {
            _pendingWrites.Enqueue(write);
            _writesPending.Set();
        }

        private void DrainWrites()
        {
            while (_pendingWrites.TryDequeue(out Action? write))
            {
                // Once the pipeline is stopping every write throws. Letting that escape would end
                // the command while the operation still cleans up (a start being cancelled still
                // stops its node and supervisor), and a script would go on, or pwsh exit, before
                // that is done. So reports are dropped and Run keeps waiting for the operation.
                if (Cancellation.IsCancellationRequested)
                {
                    continue;
                }

                try
                {
                    write();
                }
                catch (PipelineStoppedException) when (Cancellation.IsCancellationRequested)
                {
                }
            }
        }

        /// <summary>Forwards core reports to the queue drained on the pipeline thread.</summary>
        private sealed class QueuedLog : IOperationLog
        {
            private readonly FabstirCmdlet _cmdlet;

            public QueuedLog(FabstirCmdlet cmdlet)
            {
                _cmdlet = cmdlet;
            }

            public void Verbose(string message) => _cmdlet.Enqueue(() => _cmdlet.WriteVerbose(message));

            public void Debug(string message) => _cmdlet.Enqueue(() => _cmdlet.WriteDebug(message));

            public void Warning(string message) => _cmdlet.Enqueue(() => _cmdlet.WriteWarning(message));

            public void Progress(OperationProgress progress)
            {
                _cmdlet.Enqueue(() =>
                {
                    int activityId = Math.Abs(progress.Activity.GetHashCode() % 1000) + 1;
                    var record = new ProgressRecord(activityId, progress.Activity, progress.Status)
                    {
                        PercentComplete = progress.PercentComplete,
                        RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                    };
                    _cmdlet.WriteProgress(record);
                });
            }
        }
    }
}
