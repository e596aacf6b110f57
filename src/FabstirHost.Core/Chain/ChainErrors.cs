using System;

namespace FabstirHost.Core.Chain
{
    /// <summary>The stable ErrorIds of the chain layer, for scripts and tests to match on.</summary>
    public static class ChainErrors
    {
        public const string RpcUnreachable = "RpcUnreachable";
        public const string RpcError = "RpcError";
        public const string ChainIdMismatch = "ChainIdMismatch";
        public const string ContractCodeMissing = "ContractCodeMissing";
        public const string ContractReverted = "ContractReverted";
        public const string TransactionRejected = "TransactionRejected";
        public const string TransactionReceiptTimeout = "TransactionReceiptTimeout";
        public const string TransactionOutcomeUnknown = "TransactionOutcomeUnknown";
        public const string TransactionsPending = "TransactionsPending";
        public const string InsufficientGasFunds = "InsufficientGasFunds";
        public const string InvalidAddress = "InvalidAddress";
        public const string PriceOutOfRange = "PriceOutOfRange";
        public const string PriceNotRepresentable = "PriceNotRepresentable";
    }

    /// <summary>
    /// A contract call or transaction the chain rejected, with the contract, the function and the
    /// decoded reason (null when the revert carried no data).
    /// </summary>
    public sealed class ContractRevertedException : FabstirException
    {
        public ContractRevertedException(string contract, string function, string address, string? revertData)
            : base(
                ChainErrors.ContractReverted,
                FabstirErrorCategory.InvalidOperation,
                RevertDecoder.Describe(contract, function, revertData),
                address)
        {
            Contract = contract;
            Function = function;
            RevertData = string.IsNullOrEmpty(revertData) ? "0x" : revertData!;
            Reason = RevertDecoder.DecodeReason(revertData);
        }

        public string Contract { get; }

        public string Function { get; }

        /// <summary>The decoded reason, e.g. <c>Not registered</c>; null for an empty revert.</summary>
        public string? Reason { get; }

        public string RevertData { get; }
    }

    /// <summary>
    /// A transaction that was handed to the RPC, which then stopped answering before its receipt
    /// was read: it may be mined, still pending, or lost. The hash is the signed transaction's.
    /// </summary>
    public sealed class TransactionOutcomeUnknownException : FabstirException
    {
        public TransactionOutcomeUnknownException(
            string contract,
            string function,
            string hash,
            string message,
            Exception innerException)
            : base(
                ChainErrors.TransactionOutcomeUnknown,
                FabstirErrorCategory.ConnectionError,
                message,
                hash,
                innerException)
        {
            Contract = contract;
            Function = function;
            Hash = hash;
        }

        public string Contract { get; }

        public string Function { get; }

        public string Hash { get; }
    }

    /// <summary>
    /// A transaction the RPC accepted whose receipt (or its confirmations) did not come before
    /// the deadline: it may still be mined. The hash is the one the RPC answered.
    /// </summary>
    public sealed class TransactionReceiptTimeoutException : FabstirException
    {
        public TransactionReceiptTimeoutException(
            string contract,
            string function,
            string hash,
            bool mined,
            string message)
            : base(
                ChainErrors.TransactionReceiptTimeout,
                FabstirErrorCategory.OperationTimeout,
                message,
                hash)
        {
            Contract = contract;
            Function = function;
            Hash = hash;
            Mined = mined;
        }

        public string Contract { get; }

        public string Function { get; }

        public string Hash { get; }

        /// <summary>True when it was mined but not confirmed as many times as asked.</summary>
        public bool Mined { get; }
    }
}
