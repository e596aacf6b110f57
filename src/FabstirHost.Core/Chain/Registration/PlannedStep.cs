using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using Nethereum.Contracts;

namespace FabstirHost.Core.Chain.Registration
{
    /// <summary>
    /// One transaction of a plan before and while it is sent: the typed call, whether it depends on
    /// an earlier step (then it cannot be estimated before that one is mined), and its plan.
    /// </summary>
    internal abstract class PlannedStep
    {
        protected PlannedStep(string contract, string address, string arguments, BigInteger typicalGas)
        {
            Contract = contract;
            Address = address;
            Arguments = arguments;
            TypicalGas = typicalGas;
        }

        public string Contract { get; }

        public string Address { get; }

        public string Arguments { get; }

        public abstract string Function { get; }

        /// <summary>Gas to assume when the call cannot be estimated yet.</summary>
        public BigInteger TypicalGas { get; }

        /// <summary>True when an earlier step must be mined before this one can succeed.</summary>
        public bool DependsOnEarlier { get; set; }

        public FabstirPlannedTransaction Planned { get; private set; } = null!;

        internal FabstirTransactionPlan Plan { get; private set; } = null!;

        /// <summary>True when <see cref="Plan"/> holds a real estimate on today's chain state.</summary>
        public bool Estimated { get; private set; }

        public async Task PlanAsync(
            FabstirChain chain,
            string from,
            TransactionFees fees,
            int step,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            BigInteger? assumed = DependsOnEarlier ? TypicalGas : (BigInteger?)null;
            Plan = await PlanCallAsync(chain, from, fees, assumed, options, cancellationToken)
                .ConfigureAwait(false);
            Estimated = !DependsOnEarlier;
            Planned = new FabstirPlannedTransaction(step, Arguments, Plan, DependsOnEarlier);
        }

        /// <summary>Estimates again on the chain as it is now (earlier steps mined).</summary>
        public async Task EstimateAsync(
            FabstirChain chain,
            string from,
            TransactionFees fees,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            Plan = await PlanCallAsync(chain, from, fees, null, options, cancellationToken)
                .ConfigureAwait(false);
            Estimated = true;
        }

        public abstract Task<FabstirTransaction> SendAsync(
            FabstirChain chain,
            HostKey key,
            BigInteger nonce,
            TransactionOptions options,
            CancellationToken cancellationToken);

        protected abstract Task<FabstirTransactionPlan> PlanCallAsync(
            FabstirChain chain,
            string from,
            TransactionFees fees,
            BigInteger? assumedGas,
            TransactionOptions options,
            CancellationToken cancellationToken);
    }

    internal sealed class PlannedStep<TFunction> : PlannedStep
        where TFunction : FunctionMessage, new()
    {
        private readonly TFunction _function;

        public PlannedStep(
            string contract,
            string address,
            TFunction function,
            string arguments,
            BigInteger typicalGas)
            : base(contract, address, arguments, typicalGas)
        {
            _function = function;
        }

        public override string Function => FabstirChain.FunctionName<TFunction>();

        public override Task<FabstirTransaction> SendAsync(
            FabstirChain chain,
            HostKey key,
            BigInteger nonce,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            return chain.SendPlannedAsync(key, Plan, _function, nonce, options, cancellationToken);
        }

        protected override Task<FabstirTransactionPlan> PlanCallAsync(
            FabstirChain chain,
            string from,
            TransactionFees fees,
            BigInteger? assumedGas,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            return chain.PlanWithFeesAsync(
                Contract, Address, _function, from, fees, assumedGas, options, cancellationToken);
        }
    }
}
