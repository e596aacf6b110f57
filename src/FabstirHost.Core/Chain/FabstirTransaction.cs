using System;
using System.Numerics;

namespace FabstirHost.Core.Chain
{
    /// <summary>A mined, successful transaction: what was called, where, and what it cost.</summary>
    public sealed class FabstirTransaction
    {
        internal FabstirTransaction(
            string hash,
            string contract,
            string function,
            string from,
            string to,
            long blockNumber,
            BigInteger gasUsed,
            BigInteger effectiveGasPrice,
            TimeSpan elapsed)
        {
            Hash = hash;
            Contract = contract;
            Function = function;
            From = from;
            To = to;
            BlockNumber = blockNumber;
            GasUsed = gasUsed;
            EffectiveGasPrice = effectiveGasPrice;
            CostWei = gasUsed * effectiveGasPrice;
            CostEth = TokenAmount.ToDecimal(CostWei, 18);
            Elapsed = elapsed;
        }

        public string Hash { get; }

        /// <summary>The contract's role, e.g. NodeRegistry.</summary>
        public string Contract { get; }

        public string Function { get; }

        public string From { get; }

        public string To { get; }

        public long BlockNumber { get; }

        public BigInteger GasUsed { get; }

        /// <summary>Wei per gas actually paid.</summary>
        public BigInteger EffectiveGasPrice { get; }

        public BigInteger CostWei { get; }

        public decimal CostEth { get; }

        /// <summary>From sending to the receipt (and confirmations) being seen.</summary>
        public TimeSpan Elapsed { get; }

        public override string ToString() => $"{Contract}.{Function} {Hash}";
    }

    /// <summary>A transaction as it would be sent: for -WhatIf plans and pre-flight checks.</summary>
    public sealed class FabstirTransactionPlan
    {
        internal FabstirTransactionPlan(
            string contract,
            string function,
            string from,
            string to,
            BigInteger gasEstimate,
            BigInteger gasLimit,
            BigInteger maxFeePerGas,
            BigInteger maxPriorityFeePerGas,
            BigInteger value)
        {
            Contract = contract;
            Function = function;
            From = from;
            To = to;
            GasEstimate = gasEstimate;
            GasLimit = gasLimit;
            MaxFeePerGas = maxFeePerGas;
            MaxPriorityFeePerGas = maxPriorityFeePerGas;
            Value = value;
            MaxCostWei = (gasLimit * maxFeePerGas) + value;
            MaxCostEth = TokenAmount.ToDecimal(MaxCostWei, 18);
        }

        public string Contract { get; }

        public string Function { get; }

        public string From { get; }

        public string To { get; }

        public BigInteger GasEstimate { get; }

        /// <summary>The estimate with a safety margin: the most gas the transaction may use.</summary>
        public BigInteger GasLimit { get; }

        public BigInteger MaxFeePerGas { get; }

        public BigInteger MaxPriorityFeePerGas { get; }

        public BigInteger Value { get; }

        /// <summary>The most the transaction can cost (gas limit at the maximum fee, plus value).</summary>
        public BigInteger MaxCostWei { get; }

        public decimal MaxCostEth { get; }

        public override string ToString() =>
            $"{Contract}.{Function} (gas {GasEstimate}, at most {MaxCostEth} ETH)";
    }

    /// <summary>How a transaction is sent and awaited.</summary>
    public sealed class TransactionOptions
    {
        /// <summary>How long to wait for the receipt (and confirmations) before giving up.</summary>
        public TimeSpan ReceiptTimeout { get; set; } = TimeSpan.FromMinutes(5);

        /// <summary>
        /// Blocks that must exist on top of and including the transaction's block (1 = mined).
        /// </summary>
        public int Confirmations { get; set; } = 1;

        /// <summary>Gas limit = estimate × this margin.</summary>
        public double GasMargin { get; set; } = 1.2;

        /// <summary>A fixed gas limit; skips the estimate (used to send a call that will revert).</summary>
        public BigInteger? GasLimit { get; set; }

        /// <summary>ETH (wei) sent with the call.</summary>
        public BigInteger Value { get; set; }
    }
}
