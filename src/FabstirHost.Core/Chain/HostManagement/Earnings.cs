using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using FabstirHost.Core.Chain.Contracts;
using FabstirHost.Core.Config;

namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>A host's balance (or a withdrawn amount) of one token in HostEarnings.</summary>
    public sealed class FabstirEarnings
    {
        internal FabstirEarnings(string host, PaymentToken token, BigInteger raw)
        {
            Host = host;
            Token = token.Symbol;
            TokenAddress = token.Address;
            Decimals = token.Decimals;
            RawAmount = raw;
            Amount = TokenAmount.ToDecimal(raw, token.Decimals);
        }

        public string Host { get; }

        /// <summary>The host address again, so piped objects bind to -Address parameters.</summary>
        public string Address => Host;

        public string Token { get; }

        public string TokenAddress { get; }

        public int Decimals { get; }

        /// <summary>In whole tokens (ETH for the native coin).</summary>
        public decimal Amount { get; }

        /// <summary>In base units (wei for the native coin).</summary>
        public BigInteger RawAmount { get; }

        public override string ToString() =>
            $"{Amount.ToString(CultureInfo.InvariantCulture)} {Token}";
    }

    /// <summary>What Receive-FabstirEarnings withdrew, the transaction and what its gas cost.</summary>
    public sealed class FabstirWithdrawal
    {
        internal FabstirWithdrawal(
            string host,
            IReadOnlyList<FabstirEarnings> withdrawn,
            FabstirTransaction transaction)
        {
            Host = host;
            Withdrawn = withdrawn;
            Transaction = transaction;
        }

        public string Host { get; }

        public IReadOnlyList<FabstirEarnings> Withdrawn { get; }

        public FabstirTransaction Transaction { get; }

        public string TransactionHash => Transaction.Hash;

        public decimal GasCostEth => Transaction.CostEth;

        public override string ToString() =>
            $"{string.Join(", ", Withdrawn)} withdrawn for {GasCostEth} ETH of gas";
    }

    /// <summary>A planned withdrawal: the transaction and the amounts it will move.</summary>
    public sealed class WithdrawalPlan
    {
        internal WithdrawalPlan(HostTransactionPlan plan, IReadOnlyList<FabstirEarnings> amounts)
        {
            Plan = plan;
            Amounts = amounts;
        }

        public HostTransactionPlan Plan { get; }

        public IReadOnlyList<FabstirEarnings> Amounts { get; }

        public async Task<FabstirWithdrawal> ExecuteAsync(HostKey key, CancellationToken cancellationToken)
        {
            var sent = await Plan.ExecuteAsync(key, cancellationToken).ConfigureAwait(false);
            return new FabstirWithdrawal(Plan.Address, Amounts, sent[0]);
        }
    }

    /// <summary>
    /// Reads earnings and plans withdrawals: one token (an amount or all of it) or several at once
    /// (withdrawMultiple). A withdrawal of ETH alone whose gas costs more than it brings is refused
    /// unless forced; one that also moves tokens is not, since no exchange rate between ETH and a
    /// token is known here to say the gas is worth more.
    /// </summary>
    public static class EarningsPlanner
    {
        public const string HostEarningsContract = "HostEarnings";

        public static async Task<IReadOnlyList<FabstirEarnings>> GetAsync(
            FabstirChain chain,
            string host,
            IReadOnlyList<string> tokens,
            CancellationToken cancellationToken)
        {
            host = Addresses.Validate(host, "The host address");
            var resolved = new List<PaymentToken>();
            foreach (string text in tokens)
            {
                resolved.Add(await PaymentToken.ResolveAsync(chain, text, cancellationToken)
                    .ConfigureAwait(false));
            }

            string earnings = chain.Profile.HostEarnings;
            await chain.EnsureContractAsync(HostEarningsContract, earnings, cancellationToken)
                .ConfigureAwait(false);
            var balances = await chain.CallAsync<GetEarningsBalancesFunction, UintArrayOutput>(
                HostEarningsContract,
                chain.Profile.HostEarnings,
                new GetEarningsBalancesFunction
                {
                    Host = host, Tokens = resolved.Select(t => t.Address).ToList(),
                },
                cancellationToken).ConfigureAwait(false);
            return resolved.Select((token, i) => new FabstirEarnings(host, token, balances.Values[i]))
                .ToList();
        }

        /// <summary>
        /// Plans withdrawing <paramref name="amount"/> of one token, or everything of the tokens
        /// given (amount null). Refuses an amount for other than one token (AmountNeedsOneToken)
        /// before reading anything, then checks the balances: NoEarnings, InsufficientEarnings,
        /// WithdrawAmountNotPositive, and WithdrawalCostsMoreThanAmount unless forced.
        /// </summary>
        public static async Task<WithdrawalPlan> PlanWithdrawAsync(
            FabstirChain chain,
            string host,
            IReadOnlyList<string> tokens,
            decimal? amount,
            bool force,
            IOperationLog log,
            CancellationToken cancellationToken)
        {
            if (amount.HasValue && amount.Value <= 0)
            {
                throw new FabstirException(
                    HostManagementErrors.WithdrawAmountNotPositive,
                    FabstirErrorCategory.InvalidArgument,
                    $"The amount to withdraw must be more than 0 (got {Text(amount.Value)}). " +
                    "Leave out -Amount to withdraw everything. Nothing was sent.",
                    amount.Value);
            }

            if (amount.HasValue && tokens.Count != 1)
            {
                throw new FabstirException(
                    HostManagementErrors.AmountNeedsOneToken,
                    FabstirErrorCategory.InvalidArgument,
                    $"-Amount {Text(amount.Value)} needs exactly one -Token, but " +
                    (tokens.Count == 0 ? "none was given" : $"{tokens.Count} were: {string.Join(", ", tokens)}") +
                    ". Give the one token to withdraw from (for example -Token USDC), or leave out -Amount " +
                    "to withdraw everything of each. Nothing was sent.",
                    string.Join(",", tokens));
            }

            var balances = await GetAsync(chain, host, tokens, cancellationToken).ConfigureAwait(false);
            var nonZero = balances.Where(b => !b.RawAmount.IsZero).ToList();
            if (nonZero.Count == 0)
            {
                throw new FabstirException(
                    HostManagementErrors.NoEarnings,
                    FabstirErrorCategory.ObjectNotFound,
                    $"{host} has no earnings to withdraw in " +
                    $"{string.Join(", ", balances.Select(b => b.Token))} " +
                    $"at HostEarnings {chain.Profile.HostEarnings}. Nothing was sent.",
                    host);
            }

            var plan = new HostTransactionPlan("Withdraw earnings", balances[0].Host);
            string contract = chain.Profile.HostEarnings;
            IReadOnlyList<FabstirEarnings> moving;
            if (balances.Count == 1)
            {
                PaymentToken token = await PaymentToken.ResolveAsync(chain, tokens[0], cancellationToken)
                    .ConfigureAwait(false);
                moving = new[] { Single(balances[0], token, amount) };
                plan.Add(amount.HasValue
                    ? HostTransactionStep.Create(chain, HostEarningsContract, contract,
                        new WithdrawEarningsFunction { Amount = moving[0].RawAmount, Token = token.Address },
                        $"withdraw({moving[0]})")
                    : HostTransactionStep.Create(chain, HostEarningsContract, contract,
                        new WithdrawAllEarningsFunction { Token = token.Address },
                        $"withdrawAll({moving[0]})"));
            }
            else
            {
                moving = nonZero;
                plan.Add(HostTransactionStep.Create(chain, HostEarningsContract, contract,
                    new WithdrawMultipleEarningsFunction
                    {
                        Tokens = nonZero.Select(b => b.TokenAddress).ToList(),
                    },
                    $"withdrawMultiple({string.Join(", ", nonZero)})"));
            }

            await plan.EstimateAsync(cancellationToken).ConfigureAwait(false);
            CompareGas(plan, moving, force, log);
            return new WithdrawalPlan(plan, moving);
        }

        private static string Text(decimal value) => value.ToString(CultureInfo.InvariantCulture);

        private static FabstirEarnings Single(FabstirEarnings balance, PaymentToken token, decimal? amount)
        {
            if (!amount.HasValue)
            {
                return balance;
            }

            BigInteger raw = TokenAmount.ToRaw(amount.Value, token.Decimals, "The amount to withdraw");
            if (raw > balance.RawAmount)
            {
                throw new FabstirException(
                    HostManagementErrors.InsufficientEarnings,
                    FabstirErrorCategory.LimitsExceeded,
                    $"{balance.Host} has {balance} in HostEarnings, less than the " +
                    $"{Text(amount.Value)} {token.Symbol} asked for. Nothing " +
                    "was sent; leave out -Amount to withdraw all of it.",
                    balance.Host);
            }

            return new FabstirEarnings(balance.Host, token, raw);
        }

        /// <summary>
        /// The estimated cost (gas estimate × maximum fee per gas) against the native amount moved.
        /// Token amounts are reported next to the cost but not compared: that needs a price.
        /// </summary>
        private static void CompareGas(
            HostTransactionPlan plan,
            IReadOnlyList<FabstirEarnings> moving,
            bool force,
            IOperationLog log)
        {
            FabstirTransactionPlan estimate = plan.Steps[0].Estimate!;
            BigInteger costWei = estimate.GasEstimate * estimate.MaxFeePerGas;
            decimal costEth = TokenAmount.ToDecimal(costWei, TokenAmount.EthDecimals);
            string amounts = string.Join(", ", moving);
            plan.Note($"Withdrawing {amounts} costs about {Text(costEth)} ETH " +
                "of gas (estimate × maximum fee per gas).");
            FabstirEarnings? native = moving.FirstOrDefault(m => Addresses.IsZero(m.TokenAddress));
            var tokens = moving.Where(m => !Addresses.IsZero(m.TokenAddress)).ToList();
            if (tokens.Count > 0)
            {
                log.Verbose("Token amounts are not compared with the gas cost: no exchange rate " +
                    "between ETH and the token is known here. Only an ETH amount is compared.");
            }

            if (native == null || costWei < native.RawAmount)
            {
                return;
            }

            if (tokens.Count > 0)
            {
                // The tokens may well be worth the gas; without a rate that cannot be judged here,
                // so the withdrawal is not refused, only noted.
                plan.Note($"The gas costs more than the {native} withdrawn, but " +
                    $"{string.Join(", ", tokens)} is withdrawn as well; that is not compared.");
                return;
            }

            string message = $"Withdrawing {native} would cost about {Text(costEth)} " +
                "ETH of gas, more than the ETH it brings";
            if (force)
            {
                log.Warning(message + " (-Force).");
                return;
            }

            throw new FabstirException(
                HostManagementErrors.WithdrawalCostsMoreThanAmount,
                FabstirErrorCategory.InvalidOperation,
                message + ". Nothing was sent; wait until more has accumulated, or use -Force.",
                plan.Address);
        }
    }
}
