"""gktagger: validated figures from 政府信息公开工作年度报告 pages."""
__version__ = "0.1.0"
