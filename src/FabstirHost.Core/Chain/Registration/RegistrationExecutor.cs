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
        private readonly FabstirChain _chain;
        private readonly IOperationLog _log;

        public RegistrationExecutor(FabstirChain chain, IOperationLog log)
        {
            _chain = chain;
            _log = log;
        }

        /// <summary>Called before each step is estimated and sent; tests use it to act in between.</summary>
        public Func<FabstirPlannedTransaction, CancellationToken, Task>? BeforeEachStep { get; set; }

        public async Task<IReadOnlyList<FabstirTransaction>> ExecuteAsync(
            RegistrationPlan plan,
            HostKey key,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            var mined = new List<FabstirTransaction>();
            if (plan.Steps.Count == 0)
            {
                return mined;
            }

            const string activity = "Registering the host";
            BigInteger nonce = await _chain.GetPendingNonceAsync(key.Address, cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (PlannedStep step in plan.Steps)
                {
                    int percent = 100 * mined.Count / plan.Steps.Count;
                    _log.Progress(new OperationProgress(activity, $"{step.Contract}.{step.Function}", percent));
                    if (BeforeEachStep != null)
                    {
                        await BeforeEachStep(step.Planned, cancellationToken).ConfigureAwait(false);
                    }

                    if (!step.Estimated || mined.Count > 0 || BeforeEachStep != null)
                    {
                        var fees = new TransactionFees(step.Plan.MaxFeePerGas, step.Plan.MaxPriorityFeePerGas);
                        await step.EstimateAsync(_chain, key.Address, fees, options, cancellationToken)
                            .ConfigureAwait(false);
                    }

                    mined.Add(await step.SendAsync(_chain, key, nonce, options, cancellationToken).ConfigureAwait(false));
                    nonce++;
                }
            }
            catch (FabstirException ex)
            {
                ReportPartial(mined, plan, ex);
                throw;
            }
            finally
            {
                _log.Progress(new OperationProgress(activity, "Done", 100, completed: true));
            }

            return mined;
        }

        private void ReportPartial(IReadOnlyList<FabstirTransaction> mined, RegistrationPlan plan, FabstirException ex)
        {
            string sent = mined.Count == 0
                ? "No transaction of this run was mined."
                : "Mined before the failure: " + string.Join(", ", mined.Select(t => $"{t.Function} {t.Hash}")) + ".";
            int left = plan.Steps.Count - mined.Count;
            _log.Warning($"The registration stopped at step {mined.Count + 1} of {plan.Steps.Count}. {sent}");
            string resume = $"{sent} {left} step(s) were not done. Run the same command again: it reads the " +
                "chain and sends only what is still missing.";
            ex.RecommendedAction = ex.RecommendedAction == null ? resume : ex.RecommendedAction + " " + resume;
        }
    }
}
