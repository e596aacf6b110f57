using System;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Config;
using Nethereum.Contracts;
using Nethereum.Hex.HexTypes;
using Nethereum.JsonRpc.Client;
using Nethereum.RPC.Eth.DTOs;

namespace FabstirHost.Core.Chain
{
    /// <summary>Transactions: plan (gas, fees), sign locally, send raw, await the receipt.</summary>
    public sealed partial class FabstirChain
    {
        private const int FirstReceiptPollMilliseconds = 5;
        private const int LongestReceiptPollMilliseconds = 2000;

        /// <summary>
        /// Estimates gas and fees for a call without sending it. A call that would revert fails
        /// here with ContractRevertedException, before anything is signed.
        /// </summary>
        internal async Task<FabstirTransactionPlan> PlanAsync<TFunction>(
            string contract,
            string address,
            TFunction function,
            string from,
            TransactionOptions? options,
            CancellationToken cancellationToken)
            where TFunction : FunctionMessage, new()
        {
            options ??= new TransactionOptions();
            await ConnectAsync(cancellationToken).ConfigureAwait(false);
            function.FromAddress = from;
            function.AmountToSend = options.Value;
            BigInteger estimate = options.GasLimit ??
                await EstimateGasAsync(contract, address, function, cancellationToken).ConfigureAwait(false);
            BigInteger limit = options.GasLimit ?? WithMargin(estimate, options.GasMargin);
            var (maxFee, tip) = await SuggestFeesAsync(cancellationToken).ConfigureAwait(false);
            return new FabstirTransactionPlan(
                contract,
                FunctionName<TFunction>(),
                from,
                address,
                estimate,
                limit,
                maxFee,
                tip,
                options.Value);
        }

        /// <summary>
        /// Sends a transaction signed by <paramref name="key"/> and waits for its receipt. A revert
        /// at the estimate or in the receipt becomes ContractRevertedException naming the function.
        /// </summary>
        internal async Task<FabstirTransaction> SendAsync<TFunction>(
            HostKey key,
            string contract,
            string address,
            TFunction function,
            TransactionOptions? options,
            CancellationToken cancellationToken)
            where TFunction : FunctionMessage, new()
        {
            options ??= new TransactionOptions();
            FabstirTransactionPlan plan = await PlanAsync(
                contract, address, function, key.Address, options, cancellationToken).ConfigureAwait(false);
            await EnsureFundsForAsync(plan, cancellationToken).ConfigureAwait(false);
            BigInteger nonce = await GetPendingNonceAsync(key.Address, cancellationToken).ConfigureAwait(false);
            return await SendPlannedAsync(key, plan, function, nonce, options, cancellationToken)
                .ConfigureAwait(false);
        }

        private async Task<BigInteger> EstimateGasAsync<TFunction>(
            string contract, string address, TFunction function, CancellationToken cancellationToken)
            where TFunction : FunctionMessage, new()
        {
            CallInput input = function.CreateCallInput(address);
            try
            {
                string hex = await RequestAsync<string>("eth_estimateGas", cancellationToken, input)
                    .ConfigureAwait(false);
                return new HexBigInteger(hex).Value;
            }
            catch (RpcResponseException ex) when (IsRevert(ex.RpcError))
            {
                throw new ContractRevertedException(
                    contract, FunctionName<TFunction>(), address, RevertData(ex.RpcError));
            }
        }

        /// <summary>
        /// EIP-1559 fees: twice the latest base fee (room for six full blocks of rising fees) plus
        /// the tip the RPC suggests.
        /// </summary>
        internal async Task<(BigInteger MaxFee, BigInteger Tip)> SuggestFeesAsync(
            CancellationToken cancellationToken)
        {
            var block = await RequestAsync<BlockWithTransactionHashes>(
                "eth_getBlockByNumber", cancellationToken, "latest", false).ConfigureAwait(false);
            BigInteger baseFee = block.BaseFeePerGas?.Value ?? BigInteger.Zero;
            string tipHex = await RequestAsync<string>("eth_maxPriorityFeePerGas", cancellationToken)
                .ConfigureAwait(false);
            BigInteger tip = new HexBigInteger(tipHex).Value;
            return ((baseFee * 2) + tip, tip);
        }

        private async Task EnsureFundsForAsync(
            FabstirTransactionPlan plan,
            CancellationToken cancellationToken)
        {
            BigInteger balance = await GetEthBalanceAsync(plan.From, cancellationToken).ConfigureAwait(false);
            if (balance >= plan.MaxCostWei)
            {
                return;
            }

            throw new FabstirException(
                ChainErrors.InsufficientGasFunds,
                FabstirErrorCategory.LimitsExceeded,
                $"{plan.From} holds {TokenAmount.ToDecimal(balance, TokenAmount.EthDecimals)} ETH, but " +
                $"{plan.Contract}.{plan.Function} may cost up to {plan.MaxCostEth} ETH (gas limit " +
                $"{plan.GasLimit} at {FormatGwei(plan.MaxFeePerGas)}). Nothing was sent; fund the " +
                "address with ETH for gas.",
                plan.From);
        }

        private async Task<string> SendRawAsync(
            FabstirTransactionPlan plan, string signed, CancellationToken cancellationToken)
        {
            try
            {
                return await RequestAsync<string>("eth_sendRawTransaction", cancellationToken, signed)
                    .ConfigureAwait(false);
            }
            catch (FabstirException ex) when (ex.ErrorId == ChainErrors.RpcError)
            {
                throw new FabstirException(
                    ChainErrors.TransactionRejected,
                    FabstirErrorCategory.InvalidOperation,
                    $"The RPC rejected the {plan.Contract}.{plan.Function} transaction: " +
                    ex.InnerException?.Message,
                    Profile.DisplayRpcUrl,
                    ex);
            }
        }

        /// <summary>
        /// Polls for the receipt, at once and then fast (a local chain mines immediately), backing
        /// off to two seconds (a public chain mines every few), until the deadline.
        /// </summary>
        private async Task<TransactionReceipt> WaitForReceiptAsync(
            string hash,
            FabstirTransactionPlan plan,
            TransactionOptions options,
            CancellationToken cancellationToken)
        {
            DateTime deadline = DateTime.UtcNow + options.ReceiptTimeout;
            int delay = FirstReceiptPollMilliseconds;
            try
            {
                while (true)
                {
                    var receipt = await RequestAsync<TransactionReceipt?>(
                        "eth_getTransactionReceipt", cancellationToken, hash).ConfigureAwait(false);
                    if (receipt?.BlockNumber != null &&
                        await IsConfirmedAsync(receipt, options, cancellationToken).ConfigureAwait(false))
                    {
                        return receipt;
                    }

                    if (DateTime.UtcNow >= deadline)
                    {
                        throw ReceiptTimeout(hash, plan, options, mined: receipt != null);
                    }

                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = Math.Min(delay * 2, LongestReceiptPollMilliseconds);
                }
            }
            catch (OperationCanceledException)
            {
                _log.Warning(
                    $"Stopped waiting for {plan.Contract}.{plan.Function} transaction {hash}: it was " +
                    "sent and may still be mined.");
                throw;
            }
        }

        private static TransactionReceiptTimeoutException ReceiptTimeout(
            string hash, FabstirTransactionPlan plan, TransactionOptions options, bool mined)
        {
            string state = mined ? $"confirmed {options.Confirmations} times" : "mined";
            return new TransactionReceiptTimeoutException(
                plan.Contract,
                plan.Function,
                hash,
                mined,
                $"{plan.Contract}.{plan.Function} transaction {hash} was sent but not {state} within " +
                $"{options.ReceiptTimeout.TotalSeconds:0.#} s. It may still be mined: check the hash in " +
                "an explorer before sending it again.");
        }

        private async Task<bool> IsConfirmedAsync(
            TransactionReceipt receipt, TransactionOptions options, CancellationToken cancellationToken)
        {
            if (options.Confirmations <= 1)
            {
                return true;
            }

            long head = await GetBlockNumberAsync(cancellationToken).ConfigureAwait(false);
            return head - (long)receipt.BlockNumber.Value + 1 >= options.Confirmations;
        }

        /// <summary>
        /// A mined transaction carries no revert reason: replay it as a call on the state before its
        /// block to recover one. A replay that succeeds means out of gas, or a dependency on an
        /// earlier transaction in the same block.
        /// </summary>
        private async Task<FabstirException> ExplainFailedReceiptAsync<TFunction>(
            string contract,
            string address,
            TFunction function,
            TransactionReceipt receipt,
            CancellationToken cancellationToken)
            where TFunction : FunctionMessage, new()
        {
            string before = new HexBigInteger(receipt.BlockNumber.Value - 1).HexValue;
            string where =
                $"Transaction {receipt.TransactionHash} was mined in block {receipt.BlockNumber.Value}";
            try
            {
                await CallRawAsync(contract, address, function, cancellationToken, before)
                    .ConfigureAwait(false);
            }
            catch (ContractRevertedException reverted)
            {
                var explained = new ContractRevertedException(
                    contract, reverted.Function, address, reverted.RevertData);
                explained.RecommendedAction = where + " and reverted; its gas was spent.";
                return explained;
            }

            return new FabstirException(
                ChainErrors.ContractReverted,
                FabstirErrorCategory.InvalidOperation,
                $"{contract}.{FunctionName<TFunction>()} failed. {where} (gas used " +
                $"{receipt.GasUsed.Value}); replaying it gave no reason, so it ran out of gas or " +
                "depended on an earlier transaction in the same block.",
                address);
        }

        private static BigInteger WithMargin(BigInteger estimate, double margin)
        {
            return estimate * (BigInteger)Math.Round(margin * 1000) / 1000;
        }
    }
}
