using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// Sends a plan's transactions in order, each after the previous one is mined. A step that
    /// needed an earlier one is estimated once that one is mined. On a failure the transactions
    /// already mined are named, and a re-run continues from where the chain then stands.
    /// </summary>
    internal sealed class RegistrationExecutor
    {
        private const string Activity = "Registering the host";

        private readonly FabstirChain _chain;
        private readonly IOperationLog _log;
        private readonly List<FabstirTransaction> _mined = new List<FabstirTransaction>();

        public RegistrationExecutor(FabstirChain chain, IOperationLog log)
        {
            _chain = chain;
            _log = log;
        }

        /// <summary>Called before each step is estimated and sent; tests use it to act in between.</summary>
        public Func<FabstirPlannedTransaction, CancellationToken, Task>? BeforeEachStep { get; set; }

        /// <summary>True once registerNode has been mined in this run.</summary>
        public bool Registered => _mined.Any(t => t.Function == "registerNode");

        public async Task<IReadOnlyList<FabstirTransaction>> ExecuteAsync(
            RegistrationPlan plan,
            HostKey key,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            if (plan.Steps.Count == 0)
            {
                return _mined;
            }

            BigInteger nonce = plan.FirstNonce ??
                await _chain.GetPendingNonceAsync(key.Address, cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (PlannedStep step in plan.Steps)
                {
                    await SendStepAsync(step, plan.Steps.Count, key, nonce, options, cancellationToken)
                        .ConfigureAwait(false);
                    nonce++;
                }
            }
            catch (FabstirException ex)
            {
                ReportPartial(plan, ex);
                throw;
            }
            finally
            {
                _log.Progress(new OperationProgress(Activity, "Done", 100, completed: true));
            }

            return _mined;
        }

        private async Task SendStepAsync(
            PlannedStep step,
            int total,
            HostKey key,
            BigInteger nonce,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            string status = $"{step.Contract}.{step.Function} ({_mined.Count + 1} of {total})";
            _log.Progress(new OperationProgress(Activity, status, 100 * _mined.Count / total));
            if (BeforeEachStep != null)
            {
                await BeforeEachStep(step.Planned, cancellationToken).ConfigureAwait(false);
            }

            // An estimate from planning holds only while nothing has changed the chain since.
            if (!step.Estimated || _mined.Count > 0 || BeforeEachStep != null)
            {
                var fees = new TransactionFees(step.Plan.MaxFeePerGas, step.Plan.MaxPriorityFeePerGas);
                await step.EstimateAsync(_chain, key.Address, fees, options, cancellationToken)
                    .ConfigureAwait(false);
            }

            FabstirTransaction mined = await step.SendAsync(_chain, key, nonce, options, cancellationToken)
                .ConfigureAwait(false);
            _mined.Add(mined);
        }

        private void ReportPartial(RegistrationPlan plan, FabstirException ex)
        {
            var summary = TransactionRunSummary.Of(_mined, plan.Steps.Count, ex);
            _log.Warning($"The registration stopped at step {summary.StoppedAtStep} of {plan.Steps.Count}. " +
                summary.Text);
            string resume = $"{summary.Text} {summary.NotSent} step(s) were not sent. {summary.RerunWhen} the " +
                "same command again: it reads the chain and sends only what is still missing.";
            ex.RecommendedAction = ex.RecommendedAction == null
                ? resume
                : ex.RecommendedAction + " " + resume;
        }
    }
}
