"""Importers of the sales records (registered in ``SalesConfig.ready``): order history 订单
with its lines, quotes 报价单, contracts 合同 and receivables 应收款."""
