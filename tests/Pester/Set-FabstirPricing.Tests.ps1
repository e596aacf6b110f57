BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
    $script:command = 'FabstirHost.Commands.SetFabstirPricingCommand'
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Set-FabstirPricing (<Generation>)' -ForEach @(
    @{ Generation = 'Legacy'; UsdcFunction = 'updatePricingStable'; ModelFunction = 'setModelPricing' }
    @{ Generation = 'Phase18'; UsdcFunction = 'setModelTokenPricing'; ModelFunction = 'setModelTokenPricing' }
) {
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

    It 'sets a USDC price in human units with the generation''s function' {
        $update = Set-FabstirPricing -Token USDC -Price 2.5 @parameters

        $update.Transactions.Function | Should -Be $UsdcFunction
        ($update.Host.Prices | Where-Object Token -eq 'USDC').RawPrice | Should -Be 2500
    }

    It 'sets one model''s native price in raw units' {
        $update = Set-FabstirPricing -Model $script:chain.ApprovedModels[0] -Token Native -RawPrice 4000000 @parameters

        $update.Transactions.Function | Should -Be $ModelFunction
        ($update.Host.Prices | Where-Object Token -eq 'ETH').Price | Should -Be 4
    }

    It 'sends only what differs' {
        $update = Set-FabstirPricing -Token Native -RawPrice 3000000 @parameters

        $update.Transactions.Count | Should -Be 0
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'names the model by its repo:file in the -WhatIf plan' {
        $model = $script:chain.ApprovedModels[0]
        $output = Get-WhatIfText { Set-FabstirPricing -Model $model -Token Native -RawPrice 4200000 -WhatIf @parameters }

        $output | Should -Match ("$ModelFunction\(" + [regex]::Escape($model) + ',')
        $output | Should -Not -Match '0x[0-9a-fA-F]{8}…'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'shows the plan with gas under -WhatIf and sends nothing' {
        $output = Get-WhatIfText { Set-FabstirPricing -Token USDC -Price 1 -WhatIf @parameters }

        $output | Should -Match "$UsdcFunction.*gas ≈"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses a price outside the contract''s bounds' {
        { Set-FabstirPricing -Token Native -RawPrice 1 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "PriceOutOfRange,$script:command"
        { Set-FabstirPricing -Token USDC -Price 200000 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "PriceOutOfRange,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'names a price with too many decimals once' {
        $thrown = { Set-FabstirPricing -Token USDC -Price 0.0000001 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "PriceNotRepresentable,$script:command" -PassThru

        $thrown.Exception.Message | Should -BeLike 'The price 0.0000001 USDC per million tokens has more precision*'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses a model the host does not advertise' {
        { Set-FabstirPricing -Model $script:chain.ApprovedModels[1] -Token USDC -Price 1 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "ModelNotSupported,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses an unknown token name' {
        { Set-FabstirPricing -Token DOGE -Price 1 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "InvalidPaymentToken,$script:command"
    }

    It 'refuses a host that is not registered' {
        Reset-TestHost $script:chain $script:chain.HostAddress $Generation
        $nonce = Get-TestNonce $script:chain $script:address

        { Set-FabstirPricing -Token USDC -Price 1 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "HostNotRegistered,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }
}
