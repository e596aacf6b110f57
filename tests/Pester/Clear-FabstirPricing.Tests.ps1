BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
    $script:command = 'FabstirHost.Commands.ClearFabstirPricingCommand'
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Clear-FabstirPricing (<Generation>)' -ForEach @(@{ Generation = 'Legacy' }, @{ Generation = 'Phase18' }) {
    BeforeAll {
        $script:parameters = Get-TestChainParameters $script:chain $Generation
    }

    BeforeEach {
        $script:address = Enter-TestRegisteredHost $script:chain $Generation
        $script:nonce = Get-TestNonce $script:chain $script:address
    }

    AfterEach {
        Exit-TestRegisteredHost $script:chain $Generation
    }

    It 'clears a price set for a model' {
        Set-FabstirPricing -Model $script:chain.ApprovedModels[0] -Token USDC -RawPrice 9000 @parameters | Out-Null

        $update = Clear-FabstirPricing -Model $script:chain.ApprovedModels[0] -Token USDC @parameters -WarningVariable warnings -WarningAction SilentlyContinue

        $update.Transactions.Count | Should -Be 1
        $usdc = $update.Host.Prices | Where-Object Token -eq 'USDC'
        if ($Generation -eq 'Phase18') {
            $usdc.IsSet | Should -BeFalse
            $warnings | Should -Match 'cannot be sold in that token'
        }
        else {
            $usdc.RawPrice | Should -Be 5000
        }
    }

    It 'sends nothing when no price is set, and under -WhatIf' {
        $output = Get-WhatIfText { Clear-FabstirPricing -WhatIf @parameters -WarningAction SilentlyContinue }
        if ($Generation -eq 'Phase18') {
            $output | Should -Match 'clearModelTokenPricing.*gas ≈'
            $output | Should -Match ('clearModelTokenPricing\(' + [regex]::Escape($script:chain.ApprovedModels[0]) + ',')
        }
        if ($Generation -eq 'Legacy') {
            (Clear-FabstirPricing @parameters).Transactions.Count | Should -Be 0
        }

        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses a host that is not registered' {
        Reset-TestHost $script:chain $script:chain.HostAddress $Generation
        $nonce = Get-TestNonce $script:chain $script:address

        { Clear-FabstirPricing @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "HostNotRegistered,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }
}
