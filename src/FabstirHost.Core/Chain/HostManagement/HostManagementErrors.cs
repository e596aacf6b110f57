namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>The stable ErrorIds of the host-management workflows, for scripts and tests.</summary>
    public static class HostManagementErrors
    {
        public const string HostNotRegistered = "HostNotRegistered";
        public const string HostNotActive = "HostNotActive";
        public const string HostKeyMismatch = "HostKeyMismatch";
        public const string ModelNotApproved = "ModelNotApproved";
        public const string ModelListEmpty = "ModelListEmpty";
        public const string ModelNotSupported = "ModelNotSupported";
        public const string LoadedModelDropped = "LoadedModelDropped";
        public const string MetadataSecretKey = "MetadataSecretKey";
        public const string MetadataInvalid = "MetadataInvalid";
        public const string HostUrlUnreachable = "HostUrlUnreachable";
        public const string InvalidPaymentToken = "InvalidPaymentToken";
        public const string PricingNotSupported = "PricingNotSupported";
        public const string StakeAmountNotPositive = "StakeAmountNotPositive";
        public const string InsufficientFab = "InsufficientFab";
        public const string NoEarnings = "NoEarnings";
        public const string WithdrawAmountNotPositive = "WithdrawAmountNotPositive";
        public const string InsufficientEarnings = "InsufficientEarnings";
        public const string WithdrawalCostsMoreThanAmount = "WithdrawalCostsMoreThanAmount";
        public const string ModelNotFound = "ModelNotFound";
    }
}
