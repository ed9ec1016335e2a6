/* pq_dl: libpq, the PostgreSQL client library, loaded when a database usage source is
 * first used (dlopen) instead of linked, so that every other run of outlay does not pay
 * for loading it and what it brings (OpenSSL, Kerberos, LDAP): `outlay eval` starts as
 * fast as bc. usage_pg.c uses libpq's names as usual; here they stand for what dlsym
 * found. */
#ifndef OUTLAY_PQ_DL_H
#define OUTLAY_PQ_DL_H
#include "config.h"
#ifdef HAVE_LIBPQ
#include <libpq-fe.h>

/* 1 when libpq is loaded and has every name below. */
int pq_dl_open(void);

#define PQ_DL_NAMES(X) \
    X(PQclear) X(PQfreemem) X(PQerrorMessage) X(PQconninfoParse) X(PQconninfoFree) \
    X(PQgetvalue) X(PQstatus) X(PQresultStatus) X(PQresultErrorField) X(PQtransactionStatus) \
    X(PQsocket) X(PQsetSingleRowMode) X(PQsetNoticeProcessor) X(PQsendQueryParams) \
    X(PQresultErrorMessage) X(PQparameterStatus) X(PQntuples) X(PQnfields) X(PQisBusy) \
    X(PQgetlength) X(PQgetisnull) X(PQgetResult) X(PQgetCancel) X(PQftype) X(PQfreeCancel) \
    X(PQfname) X(PQfinish) X(PQconsumeInput) X(PQconnectStartParams) X(PQconnectPoll) \
    X(PQcancel)
#define PQ_DL_DECLARE(name) extern __typeof__(name) *pq_dl_##name;
PQ_DL_NAMES(PQ_DL_DECLARE)

#ifndef PQ_DL_IMPLEMENTATION
#define PQclear (*pq_dl_PQclear)
#define PQfreemem (*pq_dl_PQfreemem)
#define PQerrorMessage (*pq_dl_PQerrorMessage)
#define PQconninfoParse (*pq_dl_PQconninfoParse)
#define PQconninfoFree (*pq_dl_PQconninfoFree)
#define PQgetvalue (*pq_dl_PQgetvalue)
#define PQstatus (*pq_dl_PQstatus)
#define PQresultStatus (*pq_dl_PQresultStatus)
#define PQresultErrorField (*pq_dl_PQresultErrorField)
#define PQtransactionStatus (*pq_dl_PQtransactionStatus)
#define PQsocket (*pq_dl_PQsocket)
#define PQsetSingleRowMode (*pq_dl_PQsetSingleRowMode)
#define PQsetNoticeProcessor (*pq_dl_PQsetNoticeProcessor)
#define PQsendQueryParams (*pq_dl_PQsendQueryParams)
#define PQresultErrorMessage (*pq_dl_PQresultErrorMessage)
#define PQparameterStatus (*pq_dl_PQparameterStatus)
#define PQntuples (*pq_dl_PQntuples)
#define PQnfields (*pq_dl_PQnfields)
#define PQisBusy (*pq_dl_PQisBusy)
#define PQgetlength (*pq_dl_PQgetlength)
#define PQgetisnull (*pq_dl_PQgetisnull)
#define PQgetResult (*pq_dl_PQgetResult)
#define PQgetCancel (*pq_dl_PQgetCancel)
#define PQftype (*pq_dl_PQftype)
#define PQfreeCancel (*pq_dl_PQfreeCancel)
#define PQfname (*pq_dl_PQfname)
#define PQfinish (*pq_dl_PQfinish)
#define PQconsumeInput (*pq_dl_PQconsumeInput)
#define PQconnectStartParams (*pq_dl_PQconnectStartParams)
#define PQconnectPoll (*pq_dl_PQconnectPoll)
#define PQcancel (*pq_dl_PQcancel)
#endif
#endif
#endif
