using System.Collections.Generic;
using System.Linq;

namespace FabstirHost.Core.Chain
{
    /// <summary>
    /// What a run of several transactions had done when one of them failed: those mined, the one
    /// that was sent but not known to be mined (a receipt timeout, a lost connection), and how many
    /// were never sent. Both multi-transaction paths, registration and host updates, word it so.
    /// </summary>
    internal sealed class TransactionRunSummary
    {
        private TransactionRunSummary(string text, int stoppedAtStep, int notSent, string rerunWhen)
        {
            Text = text;
            StoppedAtStep = stoppedAtStep;
            NotSent = notSent;
            RerunWhen = rerunWhen;
        }

        /// <summary>E.g. "No transaction of this run was mined. Sent, not mined: approve 0x… (step 1)."</summary>
        public string Text { get; }

        /// <summary>The 1-based step that failed.</summary>
        public int StoppedAtStep { get; }

        /// <summary>The steps never handed to the RPC.</summary>
        public int NotSent { get; }

        /// <summary>
        /// When a re-run can go on, as the start of a sentence: "Run", or, while the failed step may
        /// still be pending (a re-run is refused then), once it is mined or the RPC answers.
        /// </summary>
        public string RerunWhen { get; }

        public static TransactionRunSummary Of(
            IReadOnlyList<FabstirTransaction> mined,
            int totalSteps,
            FabstirException failure)
        {
            bool minedUnconfirmed = failure is TransactionReceiptTimeoutException { Mined: true };
            string text = mined.Count == 0
                ? $"No transaction of this run was {(minedUnconfirmed ? "confirmed" : "mined")}."
                : "Mined before the failure: " +
                    string.Join(", ", mined.Select(t => $"{t.Function} {t.Hash}")) + ".";
            int step = mined.Count + 1;
            int notSent = totalSteps - mined.Count;
            string rerunWhen = "Run";

            // Handed to the RPC: it may be on chain, so it is neither mined nor "not sent".
            switch (failure)
            {
                case TransactionOutcomeUnknownException unknown:
                    text += $" Sent, outcome unknown: {unknown.Function} {unknown.Hash} (step {step}).";
                    notSent--;
                    rerunWhen = "Once the RPC answers, run";
                    break;
                case TransactionReceiptTimeoutException timeout:
                    string state = timeout.Mined ? "Mined, not yet confirmed" : "Sent, not mined";
                    text += $" {state}: {timeout.Function} {timeout.Hash} (step {step}).";
                    notSent--;
                    rerunWhen = timeout.Mined ? "Run" : "Once it is mined, run";
                    break;
            }

            return new TransactionRunSummary(text, step, notSent, rerunWhen);
        }
    }
}
