using System.Collections.Generic;
using System.Linq;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// What a changing host command did: the transactions it sent (none when the chain already
    /// matched) and the host as the chain shows it afterwards.
    /// </summary>
    public sealed class FabstirHostUpdate
    {
        internal FabstirHostUpdate(
            HostTransactionPlan plan,
            IReadOnlyList<FabstirTransaction> transactions,
            FabstirHostInfo? host)
        {
            Operation = plan.Operation;
            Address = plan.Address;
            Changes = plan.Steps.Select(s => s.Contract + "." + s.Description).ToList();
            Notes = plan.Notes;
            Transactions = transactions;
            Host = host;
        }

        public string Operation { get; }

        public string Address { get; }

        /// <summary>Each call sent, in words.</summary>
        public IReadOnlyList<string> Changes { get; }

        public IReadOnlyList<string> Notes { get; }

        public IReadOnlyList<FabstirTransaction> Transactions { get; }

        public IReadOnlyList<string> TransactionHashes => Transactions.Select(t => t.Hash).ToList();

        /// <summary>The host after the change; null when it is no longer registered.</summary>
        public FabstirHostInfo? Host { get; }

        public override string ToString() =>
            $"{Operation} for {Address}: {Transactions.Count} transaction(s)";

        /// <summary>
        /// Sends the plan and reads the host again. Every change needs a registered host, and a
        /// slash can unregister it after the plan was made, so that is checked again first.
        /// </summary>
        public static async System.Threading.Tasks.Task<FabstirHostUpdate> ExecuteAsync(
            HostContext host,
            HostTransactionPlan plan,
            Config.HostKey key,
            System.Threading.CancellationToken cancellationToken)
        {
            await host.RequireRegisteredAsync(cancellationToken).ConfigureAwait(false);
            var sent = await plan.ExecuteAsync(key, cancellationToken).ConfigureAwait(false);
            FabstirHostInfo after = await HostReader.ReadAsync(host, cancellationToken).ConfigureAwait(false);
            return new FabstirHostUpdate(plan, sent, after.IsRegistered ? after : null);
        }

        /// <summary>The result of a plan with nothing to send.</summary>
        public static FabstirHostUpdate Unchanged(HostTransactionPlan plan, FabstirHostInfo? host)
        {
            return new FabstirHostUpdate(plan, new FabstirTransaction[0], host);
        }
    }
}
