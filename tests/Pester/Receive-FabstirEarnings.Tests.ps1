BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
    $script:parameters = Get-TestChainParameters $script:chain
    $script:command = 'FabstirHost.Commands.ReceiveFabstirEarningsCommand'
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Receive-FabstirEarnings' {
    BeforeEach {
        $env:FABSTIR_HOME = New-TestHome
        $env:FABSTIR_HOST_PRIVATE_KEY = $script:chain.HostKey
        $script:address = $script:chain.HostAddress
        # Start each test from empty balances: withdraw whatever an earlier test left.
        $left = Get-FabstirEarnings @parameters | Where-Object RawAmount -gt 0
        if ($left) { Receive-FabstirEarnings -Force -Confirm:$false @parameters -WarningAction SilentlyContinue | Out-Null }
        $script:nonce = Get-TestNonce $script:chain $script:address
    }

    AfterEach {
        Remove-TestHome
    }

    It 'is a high-impact change' {
        (Get-Command Receive-FabstirEarnings).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).ConfirmImpact |
            Should -Be 'High'
    }

    It 'withdraws everything at once with withdrawMultiple' {
        Add-TestEarnings $script:chain $script:address $script:ZeroAddress '1000000000000000000'
        Add-TestEarnings $script:chain $script:address $script:chain.UsdcToken '3000000'

        $withdrawal = Receive-FabstirEarnings -Confirm:$false @parameters

        $withdrawal.Transaction.Function | Should -Be 'withdrawMultiple'
        $withdrawal.Withdrawn.Amount | Should -Be @(1, 3)
        $withdrawal.GasCostEth | Should -BeGreaterThan 0
        (Get-FabstirEarnings @parameters).RawAmount | Should -Be @(0, 0)
    }

    It 'withdraws an amount of one token' {
        Add-TestEarnings $script:chain $script:address $script:chain.UsdcToken '5000000'

        $withdrawal = Receive-FabstirEarnings -Token USDC -Amount 2 -Confirm:$false @parameters

        $withdrawal.Transaction.Function | Should -Be 'withdraw'
        (Get-FabstirEarnings -Token USDC @parameters).Amount | Should -Be 3
    }

    It 'shows the amount and the gas under -WhatIf and sends nothing' {
        Add-TestEarnings $script:chain $script:address $script:chain.UsdcToken '5000000'

        $output = Get-WhatIfText { Receive-FabstirEarnings -Token USDC -WhatIf @parameters }

        $output | Should -Match 'withdrawAll\(5 USDC\)'
        $output | Should -Match 'Withdrawing 5 USDC costs about [0-9.]+ ETH of gas'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses when there is nothing to withdraw' {
        { Receive-FabstirEarnings -Confirm:$false @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "NoEarnings,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses more than the balance' {
        Add-TestEarnings $script:chain $script:address $script:chain.UsdcToken '1000000'
        $nonce = Get-TestNonce $script:chain $script:address

        { Receive-FabstirEarnings -Token USDC -Amount 1.5 -Confirm:$false @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "InsufficientEarnings,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }

    It 'refuses when the gas would cost more than the ETH withdrawn, unless -Force' {
        Add-TestEarnings $script:chain $script:address $script:ZeroAddress '1000'

        { Receive-FabstirEarnings -Token Native -Confirm:$false @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "WithdrawalCostsMoreThanAmount,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
        $forced = Receive-FabstirEarnings -Token Native -Force -Confirm:$false @parameters -WarningAction SilentlyContinue
        $forced.Withdrawn.RawAmount | Should -Be 1000
    }

    It 'says to add -Confirm:$false when the session cannot ask for confirmation' {
        Add-TestEarnings $script:chain $script:address $script:chain.UsdcToken '2000000'
        $nonce = Get-TestNonce $script:chain $script:address

        $thrown = { Receive-FabstirEarnings -Token USDC @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "ConfirmationRequired,$script:command" -PassThru

        $thrown.Exception.Message | Should -Match 'cannot prompt \(it is non-interactive\)\. Nothing was sent\.'
        $thrown.Exception.Message | Should -Match '-Confirm:\$false'
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }

    It 'withdraws under -Force without asking for confirmation' {
        Add-TestEarnings $script:chain $script:address $script:chain.UsdcToken '2000000'
        $ConfirmPreference | Should -Be 'High'

        # The session is non-interactive: a confirmation prompt would fail the command.
        $withdrawal = Receive-FabstirEarnings -Token USDC -Force @parameters -ErrorAction Stop

        $withdrawal.Withdrawn.Amount | Should -Be 2
        (Get-FabstirEarnings -Token USDC @parameters).RawAmount | Should -Be 0
    }

    It 'still shows the plan and sends nothing under -Force -WhatIf' {
        Add-TestEarnings $script:chain $script:address $script:chain.UsdcToken '2000000'
        $nonce = Get-TestNonce $script:chain $script:address

        $output = Get-WhatIfText { Receive-FabstirEarnings -Token USDC -Force -WhatIf @parameters }

        $output | Should -Match 'withdrawAll\(2 USDC\)'
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }

    It 'refuses -Amount with more than one token before reading the chain' {
        Add-TestEarnings $script:chain $script:address $script:chain.UsdcToken '1000000'

        $thrown = { Receive-FabstirEarnings -Amount 1 -Confirm:$false @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "AmountNeedsOneToken,$script:command" -PassThru
        $thrown.Exception.Message | Should -Match 'needs exactly one -Token'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }
}
