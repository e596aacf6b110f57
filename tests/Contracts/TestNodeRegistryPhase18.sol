// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./TestNodeRegistryBase.sol";

/// @notice NodeRegistryWithModels with the phase 18 pricing functions: one price per model and
/// payment token (address 0 = native), which a host must set after registering. The public
/// modelTokenPricing mapping is what clients probe to tell this generation from the legacy one.
contract TestNodeRegistryPhase18 is TestNodeRegistryBase {
    event ModelTokenPricingUpdated(
        address indexed operator, bytes32 indexed modelId, address indexed token, uint256 price);

    mapping(address => mapping(bytes32 => mapping(address => uint256))) public modelTokenPricing;

    constructor(address fabTokenAddress, address modelRegistryAddress)
        TestNodeRegistryBase(fabTokenAddress, modelRegistryAddress)
    {}

    function setModelTokenPricing(bytes32 modelId, address token, uint256 price)
        external
        onlyRegistered
        onlyActive
    {
        require(nodeSupportsModel(msg.sender, modelId), "Model not supported");
        _requirePriceInRange(token, price);
        modelTokenPricing[msg.sender][modelId][token] = price;
        emit ModelTokenPricingUpdated(msg.sender, modelId, token, price);
    }

    function clearModelTokenPricing(bytes32 modelId, address token) external onlyRegistered {
        delete modelTokenPricing[msg.sender][modelId][token];
        emit ModelTokenPricingUpdated(msg.sender, modelId, token, 0);
    }

    function getModelPricing(address operator, bytes32 modelId, address token) external view returns (uint256) {
        uint256 price = modelTokenPricing[operator][modelId][token];
        require(price > 0, "No model pricing");
        return price;
    }

    function getHostModelPrices(address operator, address token)
        external
        view
        returns (bytes32[] memory modelIds, uint256[] memory prices)
    {
        modelIds = nodes[operator].supportedModels;
        prices = new uint256[](modelIds.length);
        for (uint256 i = 0; i < modelIds.length; i++) {
            prices[i] = modelTokenPricing[operator][modelIds[i]][token];
        }
    }
}
