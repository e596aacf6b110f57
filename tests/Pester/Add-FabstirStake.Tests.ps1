BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
    $script:command = 'FabstirHost.Commands.AddFabstirStakeCommand'
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Add-FabstirStake (<Generation>)' -ForEach @(@{ Generation = 'Legacy' }, @{ Generation = 'Phase18' }) {
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

    It 'approves and stakes, then only stakes while the allowance lasts' {
        Invoke-TestCast $script:chain $script:chain.HostAddress $script:chain.FabToken 'approve(address,uint256)' $parameters.NodeRegistryAddress '100000000000000000000'

        $first = Add-FabstirStake 100 @parameters
        $second = Add-FabstirStake 0.5 @parameters

        $first.Transactions.Function | Should -Be 'stake'
        $second.Transactions.Function | Should -Be @('approve', 'stake')
        $second.StakeAfter | Should -Be 1100.5
        (Get-FabstirHost @parameters).Stake | Should -Be 1100.5
    }

    It 'shows the plan under -WhatIf and sends nothing' {
        $output = Get-WhatIfText { Add-FabstirStake 5 -WhatIf @parameters }

        $output | Should -Match 'approve\(NodeRegistry, 5 FAB\)'
        $output | Should -Match 'stake\(5 FAB\) \(gas estimated after the previous step is mined\)'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'waits for the confirmations asked for, and names the transaction when they do not come' {
        # anvil mines only when it gets a transaction, so the approval's block never gets a second.
        $thrown = { Add-FabstirStake 5 -Confirmations 2 -ReceiptTimeoutSec 1 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "TransactionReceiptTimeout,$script:command" -PassThru

        $thrown.Exception.Message |
            Should -Match 'approve transaction 0x[0-9a-f]{64} was sent but not confirmed 2 times within 1 s'
        Get-TestNonce $script:chain $script:address | Should -Be ($script:nonce + 1)
        (Get-FabstirHost @parameters).Stake | Should -Be 1000
    }

    It 'refuses 0 FAB' {
        { Add-FabstirStake 0 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "StakeAmountNotPositive,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses more FAB than the wallet holds' {
        { Add-FabstirStake 100000000 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "InsufficientFab,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'refuses a host that is not registered' {
        Reset-TestHost $script:chain $script:chain.HostAddress $Generation
        $nonce = Get-TestNonce $script:chain $script:address

        { Add-FabstirStake 1 @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "HostNotRegistered,$script:command"
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }
}
