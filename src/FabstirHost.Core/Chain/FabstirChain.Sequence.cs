using System.Diagnostics;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using Nethereum.Contracts;
using Nethereum.Hex.HexConvertors.Extensions;
using Nethereum.Hex.HexTypes;
using Nethereum.Model;
using Nethereum.RPC.Eth.DTOs;
using Nethereum.Signer;
using Nethereum.Util;

namespace FabstirHost.Core.Chain
{
    /// <summary>EIP-1559 fee caps for a run of transactions, read once.</summary>
    internal sealed class TransactionFees
    {
        public TransactionFees(BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas)
        {
            MaxFeePerGas = maxFeePerGas;
            MaxPriorityFeePerGas = maxPriorityFeePerGas;
        }

        public BigInteger MaxFeePerGas { get; }

        public BigInteger MaxPriorityFeePerGas { get; }
    }

    /// <summary>
    /// Sequences: several transactions from one account sent one after the other, each waiting for
    /// the previous receipt, with the fees and the nonce read once for the run instead of per
    /// transaction. The funds for the whole sequence are checked by the caller, before the first.
    /// </summary>
    public sealed partial class FabstirChain
    {
        internal async Task<TransactionFees> GetFeesAsync(CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            var (maxFee, tip) = await SuggestFeesAsync(cancellationToken).ConfigureAwait(false);
            return new TransactionFees(maxFee, tip);
        }

        internal async Task<BigInteger> GetPendingNonceAsync(
            string address,
            CancellationToken cancellationToken)
        {
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            string hex = await RequestAsync<string>(
                "eth_getTransactionCount", cancellationToken, address, "pending").ConfigureAwait(false);
            return new HexBigInteger(hex).Value;
        }

        /// <summary>
        /// The nonce the next transaction from <paramref name="address"/> takes, after checking that
        /// none of its transactions is still pending: a plan read from the chain while one is would
        /// send it again (a pending approve) or be estimated against a state that may never be mined
        /// (a pending registerNode makes a second one look like a revert). TransactionsPending then.
        /// </summary>
        internal async Task<BigInteger> RequireNothingPendingAsync(
            string address,
            CancellationToken cancellationToken)
        {
            BigInteger pending = await GetPendingNonceAsync(address, cancellationToken).ConfigureAwait(false);
            string hex = await RequestAsync<string>(
                "eth_getTransactionCount", cancellationToken, address, "latest").ConfigureAwait(false);
            BigInteger latest = new HexBigInteger(hex).Value;
            if (pending <= latest)
            {
                return pending;
            }

            BigInteger count = pending - latest;
            string which = count == BigInteger.One
                ? $"the transaction with nonce {latest} is"
                : $"the transactions with nonces {latest} to {pending - 1} are";
            throw new FabstirException(
                ChainErrors.TransactionsPending,
                FabstirErrorCategory.ResourceUnavailable,
                $"{count} transaction(s) from {address} are pending on {Profile.DisplayRpcUrl}: {which} " +
                "sent but not yet mined. Nothing was sent, since a plan read now could repeat them or " +
                "misread the chain. Wait for them to be mined and run the same command again; to see " +
                "what they are, look the address (or the hash a timed-out run named) up in an explorer.",
                address);
        }

        /// <summary>
        /// A plan with the given fees: gas estimated now (a revert fails here, before anything is
        /// signed), or the given gas when the call cannot be estimated yet.
        /// </summary>
        internal async Task<FabstirTransactionPlan> PlanWithFeesAsync<TFunction>(
            string contract,
            string address,
            TFunction function,
            string from,
            TransactionFees fees,
            BigInteger? assumedGas,
            TransactionOptions options,
            CancellationToken cancellationToken)
            where TFunction : FunctionMessage, new()
        {
            function.FromAddress = from;
            function.AmountToSend = options.Value;
            BigInteger estimate = assumedGas ??
                await EstimateGasAsync(contract, address, function, cancellationToken).ConfigureAwait(false);
            return new FabstirTransactionPlan(
                contract,
                FunctionName<TFunction>(),
                from,
                address,
                estimate,
                WithMargin(estimate, options.GasMargin),
                fees.MaxFeePerGas,
                fees.MaxPriorityFeePerGas,
                options.Value);
        }

        /// <summary>
        /// Signs the planned transaction with the given nonce, sends it and waits for its receipt;
        /// a failed receipt is replayed to decode its revert.
        /// </summary>
        internal async Task<FabstirTransaction> SendPlannedAsync<TFunction>(
            HostKey key,
            FabstirTransactionPlan plan,
            TFunction function,
            BigInteger nonce,
            TransactionOptions options,
            CancellationToken cancellationToken)
            where TFunction : FunctionMessage, new()
        {
            string data = function.GetCallData().ToHex(true);
            var transaction = new Transaction1559(
                Profile.ChainId,
                nonce,
                plan.MaxPriorityFeePerGas,
                plan.MaxFeePerGas,
                plan.GasLimit,
                plan.To,
                plan.Value,
                data,
                null);
            _log.Verbose(
                $"Sending {plan.Contract}.{plan.Function} to {plan.To} from {plan.From} (nonce {nonce}, " +
                $"gas limit {plan.GasLimit}, max fee {FormatGwei(plan.MaxFeePerGas)}).");
            _log.Debug($"{plan.Contract}.{plan.Function} call data: {data}");
            string signed = new Transaction1559Signer()
                .SignTransaction(key.EcKey, transaction)
                .EnsureHexPrefix();

            // Known before sending, so a connection lost during the send can still name it.
            string hash = "0x" + Sha3Keccack.Current.CalculateHash(signed.HexToByteArray()).ToHex();
            var stopwatch = Stopwatch.StartNew();
            try
            {
                string answered = await SendRawAsync(plan, signed, cancellationToken).ConfigureAwait(false);
                if (!string.Equals(answered, hash, System.StringComparison.OrdinalIgnoreCase))
                {
                    _log.Warning($"The RPC answered {plan.Contract}.{plan.Function} with the hash {answered}, " +
                        $"not {hash} as signed; following the RPC's.");
                    hash = answered;
                }
            }
            catch (FabstirException ex) when (ex.ErrorId == ChainErrors.RpcUnreachable)
            {
                throw OutcomeUnknown(plan, hash, ex, accepted: false);
            }

            TransactionReceipt receipt;
            try
            {
                receipt = await WaitForReceiptAsync(hash, plan, options, cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (FabstirException ex) when (ex.ErrorId == ChainErrors.RpcUnreachable)
            {
                throw OutcomeUnknown(plan, hash, ex, accepted: true);
            }

            stopwatch.Stop();
            if (receipt.Status?.Value != BigInteger.One)
            {
                throw await ExplainFailedReceiptAsync(
                    plan.Contract, plan.To, function, receipt, cancellationToken).ConfigureAwait(false);
            }

            var result = new FabstirTransaction(
                hash,
                plan.Contract,
                plan.Function,
                key.Address,
                plan.To,
                (long)receipt.BlockNumber.Value,
                receipt.GasUsed.Value,
                receipt.EffectiveGasPrice?.Value ?? plan.MaxFeePerGas,
                stopwatch.Elapsed);
            _log.Verbose(
                $"{plan.Contract}.{plan.Function} mined in block {result.BlockNumber}: {hash}, gas used " +
                $"{result.GasUsed}, cost {result.CostEth} ETH, {stopwatch.ElapsedMilliseconds} ms.");
            return result;
        }
    }
}
