// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import "./TestNodeRegistryBase.sol";

/// @notice NodeRegistryWithModels with the legacy pricing functions: node-wide native and stable
/// prices, per-model overrides of both (0 = use the node default) and per-token prices.
contract TestNodeRegistryLegacy is TestNodeRegistryBase {
    event PricingUpdated(address indexed operator, uint256 newMinPrice);
    event ModelPricingUpdated(
        address indexed operator, bytes32 indexed modelId, uint256 nativePrice, uint256 stablePrice);
    event TokenPricingUpdated(address indexed operator, address indexed token, uint256 price);

    mapping(address => mapping(bytes32 => uint256)) public modelPricingNative;
    mapping(address => mapping(bytes32 => uint256)) public modelPricingStable;
    mapping(address => mapping(address => uint256)) public customTokenPricing;

    constructor(address fabTokenAddress, address modelRegistryAddress)
        TestNodeRegistryBase(fabTokenAddress, modelRegistryAddress)
    {}

    function updatePricingNative(uint256 newMinPrice) external onlyRegistered onlyActive {
        _requirePriceInRange(address(0), newMinPrice);
        nodes[msg.sender].minPricePerTokenNative = newMinPrice;
        emit PricingUpdated(msg.sender, newMinPrice);
    }

    function updatePricingStable(uint256 newMinPrice) external onlyRegistered onlyActive {
        _requirePriceInRange(address(1), newMinPrice);
        nodes[msg.sender].minPricePerTokenStable = newMinPrice;
        emit PricingUpdated(msg.sender, newMinPrice);
    }

    function setModelPricing(bytes32 modelId, uint256 nativePrice, uint256 stablePrice)
        external
        onlyRegistered
        onlyActive
    {
        require(nodeSupportsModel(msg.sender, modelId), "Model not supported");
        if (nativePrice > 0) {
            _requirePriceInRange(address(0), nativePrice);
        }
        if (stablePrice > 0) {
            _requirePriceInRange(address(1), stablePrice);
        }
        modelPricingNative[msg.sender][modelId] = nativePrice;
        modelPricingStable[msg.sender][modelId] = stablePrice;
        emit ModelPricingUpdated(msg.sender, modelId, nativePrice, stablePrice);
    }

    function clearModelPricing(bytes32 modelId) external onlyRegistered {
        delete modelPricingNative[msg.sender][modelId];
        delete modelPricingStable[msg.sender][modelId];
        emit ModelPricingUpdated(msg.sender, modelId, 0, 0);
    }

    function setTokenPricing(address token, uint256 price) external onlyRegistered onlyActive {
        require(token != address(0), "Use updatePricingNative for native token");
        _requirePriceInRange(token, price);
        customTokenPricing[msg.sender][token] = price;
        emit TokenPricingUpdated(msg.sender, token, price);
    }

    function getNodePricing(address operator, address token) public view returns (uint256) {
        if (token == address(0)) {
            return nodes[operator].minPricePerTokenNative;
        }
        uint256 custom = customTokenPricing[operator][token];
        return custom > 0 ? custom : nodes[operator].minPricePerTokenStable;
    }

    function getModelPricing(address operator, bytes32 modelId, address token) external view returns (uint256) {
        uint256 modelPrice = token == address(0)
            ? modelPricingNative[operator][modelId]
            : modelPricingStable[operator][modelId];
        return modelPrice > 0 ? modelPrice : getNodePricing(operator, token);
    }

    function getHostModelPrices(address operator)
        external
        view
        returns (bytes32[] memory modelIds, uint256[] memory nativePrices, uint256[] memory stablePrices)
    {
        modelIds = nodes[operator].supportedModels;
        nativePrices = new uint256[](modelIds.length);
        stablePrices = new uint256[](modelIds.length);
        for (uint256 i = 0; i < modelIds.length; i++) {
            uint256 native = modelPricingNative[operator][modelIds[i]];
            uint256 stable = modelPricingStable[operator][modelIds[i]];
            nativePrices[i] = native > 0 ? native : nodes[operator].minPricePerTokenNative;
            stablePrices[i] = stable > 0 ? stable : nodes[operator].minPricePerTokenStable;
        }
    }
}
