BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    . (Join-Path $PSScriptRoot 'Node.TestHelpers.ps1')
    $script:chain = Start-FabstirTestChain
    $script:command = 'FabstirHost.Commands.UnregisterFabstirHostCommand'
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Unregister-FabstirHost (<Generation>)' -ForEach @(@{ Generation = 'Legacy' }, @{ Generation = 'Phase18' }) {
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

    It 'is a high-impact change' {
        (Get-Command Unregister-FabstirHost).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).ConfirmImpact |
            Should -Be 'High'
    }

    It 'says to add -Confirm:$false when the session cannot ask for confirmation' {
        # Pester's session is non-interactive, as a runbook's is.
        $thrown = { Unregister-FabstirHost @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "ConfirmationRequired,$script:command" -PassThru

        $thrown.Exception.Message | Should -Match 'cannot prompt \(it is non-interactive\)\. Nothing was sent\.'
        $thrown.Exception.Message | Should -Match '-Confirm:\$false'
        $thrown.Exception.Message | Should -Not -Match 'Read and Prompt functionality'
        $thrown.TargetObject | Should -Be $script:address
        (Get-FabstirHost @parameters).IsRegistered | Should -BeTrue
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'shows the stake that comes back under -WhatIf and sends nothing' {
        $output = Get-WhatIfText { Unregister-FabstirHost -WhatIf @parameters }

        $output | Should -Match 'The whole stake, 1000 FAB, returns'
        $output | Should -Match 'unregisterNode\(\) \(gas ≈'
        Get-TestNonce $script:chain $script:address | Should -Be $script:nonce
    }

    It 'returns the stake and the transaction, records it in config.json, and refuses a second time' {
        $result = Unregister-FabstirHost -Confirm:$false @parameters

        $result.ReturnedStake | Should -Be 1000
        $result.TransactionHash | Should -Match '^0x[0-9a-f]{64}$'
        $result.NodeStopped | Should -BeFalse
        (Get-FabstirHost @parameters).IsRegistered | Should -BeFalse
        (Get-FabstirHostConfig).Registered | Should -BeFalse
        $nonce = Get-TestNonce $script:chain $script:address
        $thrown = { Unregister-FabstirHost -Confirm:$false @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "HostNotRegistered,$script:command" -PassThru
        $thrown.Exception.Message | Should -Match 'unregistered in block'
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }

    It 'reports a host slashed out of the registry with the reason' {
        Invoke-TestCast $script:chain $script:chain.DeployerAddress $parameters.NodeRegistryAddress 'slash(address,uint256)' $script:address '999000000000000000000'
        $nonce = Get-TestNonce $script:chain $script:address

        $thrown = { Unregister-FabstirHost -Confirm:$false @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId "HostNotRegistered,$script:command" -PassThru
        $thrown.Exception.Message | Should -Match 'slashed in block \d+: 999 FAB taken'
        Get-TestNonce $script:chain $script:address | Should -Be $nonce
    }
}

Describe 'Unregister-FabstirHost -StopNode' {
    It 'stops the node of this instance after unregistering' {
        $t = New-NodeTestHome
        $env:FABSTIR_HOST_PRIVATE_KEY = $script:chain.HostKey
        $parameters = Get-TestChainParameters $script:chain
        Register-TestHost $script:chain $script:chain.HostAddress | Out-Null
        try {
            Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null

            $result = Unregister-FabstirHost -StopNode -StopTimeoutSec 10 -Confirm:$false @parameters

            $result.NodeStopped | Should -BeTrue
            (Get-FabstirNode).Status | Should -Be 'Stopped'
        }
        finally {
            Reset-TestHost $script:chain $script:chain.HostAddress
            Remove-NodeTestHome $t
            Remove-Item Env:FABSTIR_HOST_PRIVATE_KEY -ErrorAction SilentlyContinue
        }
    }

    It 'stops a node still running when the host is already unregistered, then reports it not registered' {
        $t = New-NodeTestHome
        $env:FABSTIR_HOST_PRIVATE_KEY = $script:chain.HostKey
        $parameters = Get-TestChainParameters $script:chain
        Register-TestHost $script:chain $script:chain.HostAddress | Out-Null
        try {
            Unregister-FabstirHost -Confirm:$false @parameters | Out-Null
            Start-FabstirNode -ModelPath $t.Model -Port $t.Port -NodePath $t.Node | Out-Null

            $thrown = { Unregister-FabstirHost -StopNode -StopTimeoutSec 10 -Confirm:$false @parameters -ErrorAction Stop } |
                Should -Throw -ErrorId "HostNotRegistered,$script:command" -PassThru

            $thrown.ErrorDetails.RecommendedAction | Should -Match 'The node of this instance was stopped, as -StopNode asked\.'
            (Get-FabstirNode).Status | Should -Be 'Stopped'
        }
        finally {
            Reset-TestHost $script:chain $script:chain.HostAddress
            Remove-NodeTestHome $t
            Remove-Item Env:FABSTIR_HOST_PRIVATE_KEY -ErrorAction SilentlyContinue
        }
    }
}
