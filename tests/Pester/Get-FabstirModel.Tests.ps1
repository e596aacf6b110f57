BeforeAll {
    Import-Module $env:FABSTIR_TEST_MODULE -Force
    Import-Module $env:FABSTIR_TEST_LOCALCHAIN -Force
    . (Join-Path $PSScriptRoot 'HostChain.ps1')
    $script:chain = Start-FabstirTestChain
    $script:parameters = Get-TestChainParameters $script:chain
}

AfterAll {
    $script:chain | Stop-FabstirTestChain
}

Describe 'Get-FabstirModel' {
    It 'lists the approved models with id, repository, file, hash and tier' {
        $models = Get-FabstirModel @parameters

        $models.Spec | Should -Be $script:chain.ApprovedModels
        $models[0].Id | Should -Be (Get-TestModelId $script:chain.ApprovedModels[0])
        $models[0].Sha256 | Should -Be $script:chain.ModelHashes.($script:chain.ApprovedModels[0])
        $models[0].ApprovalTier | Should -Be 1
        $models.Approved | Should -Be @($true, $true)
    }

    It 'adds deactivated models with -IncludeInactive' {
        $models = Get-FabstirModel -IncludeInactive @parameters

        ($models | Where-Object { -not $_.Approved }).Spec | Should -Be $script:chain.DeactivatedModel
    }

    It 'filters by wildcard name and by id, also from the pipeline' {
        (Get-FabstirModel '*tinyllama*' @parameters).Spec | Should -Be $script:chain.ApprovedModels[1]
        $id = Get-TestModelId $script:chain.ApprovedModels[0]
        (Get-FabstirModel -Id $id @parameters).Spec | Should -Be $script:chain.ApprovedModels[0]
        ([pscustomobject]@{ ModelId = $id } | Get-FabstirModel @parameters).Spec | Should -Be $script:chain.ApprovedModels[0]
        $both = $script:chain.ApprovedModels | ForEach-Object { [pscustomobject]@{ ModelId = Get-TestModelId $_ } }
        ($both | Get-FabstirModel @parameters).Spec | Should -Be $script:chain.ApprovedModels
    }

    It 'refuses a name that is not a valid wildcard pattern' {
        $refusal = { Get-FabstirModel -Name '[' @parameters -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidModelNamePattern,FabstirHost.Commands.GetFabstirModelCommand' -PassThru
        $refusal.Exception.Message | Should -Match "-Name '\[' is not a valid wildcard pattern"
        $refusal.TargetObject | Should -Be '['
    }

    It 'writes a non-terminating ModelNotFound for an id or exact name that matches nothing, and goes on' {
        $unknown = '0x' + ('ab' * 32)
        $known = Get-TestModelId $script:chain.ApprovedModels[0]
        $models = Get-FabstirModel -Id $unknown, $known @parameters -ErrorVariable problems -ErrorAction SilentlyContinue
        $models.Spec | Should -Be $script:chain.ApprovedModels[0]
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'ModelNotFound,FabstirHost.Commands.GetFabstirModelCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be $unknown
        $problems[0].Exception.Message | Should -Match "No model with id $unknown .*Get-FabstirModel"

        $null = Get-FabstirModel -Name 'no/such:model.gguf' @parameters -ErrorVariable byName -ErrorAction SilentlyContinue
        $byName[0].FullyQualifiedErrorId | Should -Be 'ModelNotFound,FabstirHost.Commands.GetFabstirModelCommand'
        Get-FabstirModel -Name 'no-such-*' @parameters -ErrorVariable byWildcard | Should -BeNullOrEmpty
        $byWildcard | Should -BeNullOrEmpty
    }

    It 'says that an id matches a deactivated model without -IncludeInactive' {
        $id = Get-TestModelId $script:chain.DeactivatedModel
        $null = Get-FabstirModel -Id $id @parameters -ErrorVariable problems -ErrorAction SilentlyContinue
        $problems[0].Exception.Message | Should -Match 'is deactivated.*-IncludeInactive'
        (Get-FabstirModel -Id $id -IncludeInactive @parameters).Spec | Should -Be $script:chain.DeactivatedModel
    }

    It 'shows a short table' {
        Get-FabstirModel @parameters | Out-String -Width 200 | Should -Match 'Id\s+Repository\s+File\s+Tier\s+Active'
    }

    It 'reports a registry address without a contract' {
        { Get-FabstirModel -RpcUrl $script:chain.RpcUrl -ModelRegistryAddress '0x000000000000000000000000000000000000dEaD' -ErrorAction Stop } |
            Should -Throw -ErrorId 'ContractCodeMissing,FabstirHost.Commands.GetFabstirModelCommand'
    }
}
