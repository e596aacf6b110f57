namespace FabstirHost.Core.Chain.HostManagement
{
    /// <summary>
    /// The stable ErrorIds of the host-management workflows, for scripts and tests. A failure that
    /// registration meets too has registration's id, so scripts see one id for one fault.
    /// </summary>
    public static class HostManagementErrors
    {
        public const string HostNotRegistered = "HostNotRegistered";
        public const string HostNotActive = Registration.RegistrationErrors.HostNotActive;
        public const string HostKeyMismatch = "HostKeyMismatch";
        public const string ModelNotApproved = Registration.RegistrationErrors.ModelNotApproved;
        public const string ModelListEmpty = "ModelListEmpty";
        public const string ModelNotSupported = "ModelNotSupported";
        public const string LoadedModelDropped = "LoadedModelDropped";
        public const string MetadataSecretRefused = Registration.RegistrationErrors.MetadataSecretRefused;
        public const string MetadataInvalid = Registration.RegistrationErrors.MetadataInvalid;
        public const string ReplaceWithoutMetadata = "ReplaceWithoutMetadata";
        public const string PublicUrlUnreachable = Registration.RegistrationErrors.PublicUrlUnreachable;

        public const string InvalidPublicUrl = Registration.RegistrationErrors.InvalidPublicUrl;
        public const string InvalidPaymentToken = "InvalidPaymentToken";
        public const string PricingNotSupported = "PricingNotSupported";
        public const string StakeAmountNotPositive = "StakeAmountNotPositive";
        public const string InsufficientFab = "InsufficientFab";
        public const string NoEarnings = "NoEarnings";
        public const string WithdrawAmountNotPositive = "WithdrawAmountNotPositive";
        public const string AmountNeedsOneToken = "AmountNeedsOneToken";
        public const string InsufficientEarnings = "InsufficientEarnings";
        public const string WithdrawalCostsMoreThanAmount = "WithdrawalCostsMoreThanAmount";
        public const string ConfirmationRequired = "ConfirmationRequired";
    }
}
